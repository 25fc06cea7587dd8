/* bh-evaluate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-evaluate"

#include "config.h"

#include <string.h>

#include "bh-builder-private.h"
#include "bh-error.h"
#include "bh-i18n.h"

/*
 * "How well would Backhaul have done?" For each event, a package with
 * only that event is built as of a past day, with the default settings,
 * and compared with who then bought the event:
 *
 * - precision: the share of the list that bought the event after the day;
 * - recall: the share of the event's later buyers who had bought
 *   anything before the day (the only ones any method could know) and
 *   were on the list.
 *
 * Two baselines get lists of the same size from the same eligible
 * customers (bought something before the day and not removed by a
 * default exclusion: opt-out, a ticket already held, the same series or
 * a similar event): random customers (fixed seed), and the customers who
 * bought most events of the event's genre before the day (ties: the most
 * recent buyer first). Without a genre aspect there is no genre baseline.
 *
 * Without a list of events, every event dated after the day that someone
 * with history bought after the day is evaluated.
 */

#define RANDOM_SEED 7411

typedef struct
{
  guint64 size;
  guint64 hits;
  guint64 buyers;
} Score;

static void
add_score (JsonBuilder *builder,
           const char  *name,
           const Score *score)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, score->size);
  json_builder_set_member_name (builder, "hits");
  json_builder_add_int_value (builder, score->hits);
  json_builder_set_member_name (builder, "precision");
  json_builder_add_double_value (builder, score->size ? (double)score->hits / score->size : 0);
  json_builder_set_member_name (builder, "recall");
  json_builder_add_double_value (builder,
                                 score->buyers ? (double)score->hits / score->buyers : 0);
  json_builder_end_object (builder);
}

static void
count_hits (Score         *score,
            const guint32 *list,
            guint          n,
            const guint8  *bought_later,
            guint64        buyers)
{
  score->size = n;
  score->hits = 0;
  score->buyers = buyers;
  for (guint i = 0; i < n; i++)
    score->hits += bought_later[list[i]] != 0;
}

typedef struct
{
  guint32 customer;
  guint   count;
  guint32 last;
} GenreFan;

static int
compare_fans (gconstpointer a,
              gconstpointer b)
{
  const GenreFan *fa = a;
  const GenreFan *fb = b;

  if (fa->count != fb->count)
    return fa->count > fb->count ? -1 : 1;
  if (fa->last != fb->last)
    return fa->last > fb->last ? -1 : 1;

  return fa->customer < fb->customer ? -1 : fa->customer > fb->customer;
}

static gboolean
shares_genre (BhSnapshot *snapshot,
              guint32     a,
              guint32     b)
{
  for (guint32 i = snapshot->event_aspect_start[a]; i < snapshot->event_aspect_start[a + 1]; i++)
    {
      guint32 aspect = snapshot->event_aspect[i];

      if (!snapshot->aspect_is_genre[aspect])
        continue;

      for (guint32 j = snapshot->event_aspect_start[b];
           j < snapshot->event_aspect_start[b + 1];
           j++)
        if (snapshot->event_aspect[j] == aspect)
          return TRUE;
    }

  return FALSE;
}

static gboolean
has_genre (BhSnapshot *snapshot,
           guint32     event)
{
  for (guint32 i = snapshot->event_aspect_start[event];
       i < snapshot->event_aspect_start[event + 1];
       i++)
    if (snapshot->aspect_is_genre[snapshot->event_aspect[i]])
      return TRUE;

  return FALSE;
}

/* Whether customer @c bought something before the cut-off. */
static gboolean
has_history (BhSnapshot *snapshot,
             guint32     c,
             gint64      cutoff)
{
  for (guint64 s = snapshot->sale_start[c]; s < snapshot->sale_start[c + 1]; s++)
    if (_bh_sale_before (&snapshot->sales[s], cutoff))
      return TRUE;

  return FALSE;
}

/* Marks the customers who bought @event at or after the cut-off, and
 * returns how many of them have history. */
static guint64
mark_later_buyers (BhSnapshot *snapshot,
                   guint32     event,
                   gint64      cutoff,
                   guint8     *bought_later,
                   guint64    *all_buyers)
{
  guint64 with_history = 0;

  *all_buyers = 0;
  for (guint64 b = snapshot->buyer_start[event]; b < snapshot->buyer_start[event + 1]; b++)
    {
      guint32 c = snapshot->buyer[b];

      for (guint64 s = snapshot->sale_start[c]; s < snapshot->sale_start[c + 1]; s++)
        {
          const BhSale *sale = &snapshot->sales[s];

          if (sale->event == event && (gint64)sale->purchased >= cutoff && sale->quantity > 0)
            {
              (*all_buyers)++;
              if (has_history (snapshot, c, cutoff))
                {
                  bought_later[c] = 1;
                  with_history++;
                }
              break;
            }
        }
    }

  return with_history;
}

static void
unmark_buyers (BhSnapshot *snapshot,
               guint32     event,
               guint8     *bought_later)
{
  for (guint64 b = snapshot->buyer_start[event]; b < snapshot->buyer_start[event + 1]; b++)
    bought_later[snapshot->buyer[b]] = 0;
}

static GArray *
genre_list (BhBuild       *build,
            guint32        event,
            const guint32 *eligible,
            guint          n_eligible,
            guint          size)
{
  BhSnapshot *snapshot = build->snapshot;
  g_autoptr(GArray) fans = g_array_new (FALSE, FALSE, sizeof (GenreFan));
  g_autofree guint8 *genre_event = g_new0 (guint8, snapshot->n_events + 1);
  g_autofree guint32 *stamp = g_new0 (guint32, snapshot->n_events + 1);
  GArray *list = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint e = 0; e < snapshot->n_events; e++)
    genre_event[e] = e != event && shares_genre (snapshot, event, e);

  for (guint i = 0; i < n_eligible; i++)
    {
      guint32 c = eligible[i];
      GenreFan fan = { c, 0, 0 };

      for (guint64 s = snapshot->sale_start[c]; s < snapshot->sale_start[c + 1]; s++)
        {
          const BhSale *sale = &snapshot->sales[s];

          if (!_bh_sale_before (sale, build->cutoff) ||
              !genre_event[sale->event])
            continue;

          if (stamp[sale->event] != c + 1)
            {
              stamp[sale->event] = c + 1;
              fan.count++;
            }
          fan.last = MAX (fan.last, sale->purchased);
        }

      if (fan.count > 0)
        g_array_append_val (fans, fan);
    }

  g_array_sort (fans, compare_fans);
  for (guint i = 0; i < fans->len && i < size; i++)
    g_array_append_val (list, g_array_index (fans, GenreFan, i).customer);

  return list;
}

static void
add_score_totals (Score       *total,
                  const Score *score)
{
  total->size += score->size;
  total->hits += score->hits;
  total->buyers += score->buyers;
}

static gboolean
evaluate_event (BhSnapshot   *snapshot,
                const char   *as_of,
                guint32       event,
                guint         number,
                guint8       *bought_later,
                JsonBuilder  *builder,
                Score        *totals,
                gboolean     *with_genre,
                GCancellable *cancellable,
                GError      **error)
{
  g_autoptr(BhDefinition) definition = bh_definition_new ();
  g_autoptr(BhBuild) build = NULL;
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) eligible = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) genre = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (RANDOM_SEED + number);
  const char *events[] = { g_ptr_array_index (snapshot->event_ext_id, event), NULL };
  guint64 buyers, all_buyers;
  Score score, random_score, genre_score;
  guint size;
  GDate date;
  char date_text[16];

  definition->events = g_strdupv ((GStrv)events);
  definition->as_of = g_strdup (as_of);

  if (!(build = _bh_build_new (snapshot, definition, cancellable, error)) ||
      !_bh_build_select (build, error))
    return FALSE;

  for (guint32 c = 0; c < snapshot->n_customers; c++)
    {
      if (build->status[c] == BH_STATUS_MEMBER)
        g_array_append_val (members, c);

      if (has_history (snapshot, c, build->cutoff) &&
          _bh_build_judge (build, c, FALSE) == BH_STATUS_MEMBER)
        g_array_append_val (eligible, c);
    }
  size = members->len;

  buyers = mark_later_buyers (snapshot, event, build->cutoff, bought_later, &all_buyers);

  count_hits (&score, (const guint32 *)(gpointer)members->data, size, bought_later, buyers);

  /* The first size of a seeded shuffle of the eligible customers. */
  for (guint i = 0; i < MIN (size, eligible->len); i++)
    {
      guint j = i + g_rand_int_range (rand, 0, (gint32)(eligible->len - i));
      guint32 swap = g_array_index (eligible, guint32, i);

      g_array_index (eligible, guint32, i) = g_array_index (eligible, guint32, j);
      g_array_index (eligible, guint32, j) = swap;
    }
  count_hits (&random_score, (const guint32 *)(gpointer)eligible->data,
              MIN (size, eligible->len), bought_later, buyers);

  /* The shuffle above only reorders eligible; the genre list sorts. */
  if (has_genre (snapshot, event))
    {
      genre = genre_list (build, event, (const guint32 *)(gpointer)eligible->data,
                          eligible->len, size);
      count_hits (&genre_score, (const guint32 *)(gpointer)genre->data, genre->len,
                  bought_later, buyers);
    }

  unmark_buyers (snapshot, event, bought_later);

  g_date_clear (&date, 1);
  g_date_set_julian (&date, snapshot->event_day[event]);
  g_date_strftime (date_text, sizeof date_text, "%Y-%m-%d", &date);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event_id");
  json_builder_add_string_value (builder, events[0]);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, g_ptr_array_index (snapshot->event_title, event));
  json_builder_set_member_name (builder, "date");
  json_builder_add_string_value (builder, date_text);
  json_builder_set_member_name (builder, "later_buyers");
  json_builder_add_int_value (builder, all_buyers);
  json_builder_set_member_name (builder, "later_buyers_with_history");
  json_builder_add_int_value (builder, buyers);
  add_score (builder, "backhaul", &score);
  add_score (builder, "random", &random_score);
  if (genre != NULL)
    {
      add_score (builder, "genre", &genre_score);
      add_score_totals (&totals[3], &score);
      add_score_totals (&totals[2], &genre_score);
    }
  else
    {
      json_builder_set_member_name (builder, "genre");
      json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);

  add_score_totals (&totals[0], &score);
  add_score_totals (&totals[1], &random_score);
  *with_genre |= genre != NULL;

  return TRUE;
}

/**
 * bh_builder_evaluate:
 * @snapshot: the data
 * @as_of: the day to build as of, "YYYY-MM-DD"
 * @event_ids: (nullable): the events to evaluate; %NULL for every event
 *   after @as_of that was bought after it
 * @progress: (nullable): called with the progress from this thread
 * @progress_data: closure data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a JSON object with "as_of", "events" (one
 *   object per event with its scores) and "overall" (the scores summed
 *   over the events; its "genre_events" compares Backhaul and the genre
 *   baseline on the events that have a genre), or %NULL with @error set
 */
JsonNode *
bh_builder_evaluate (BhSnapshot          *snapshot,
                     const char          *as_of,
                     const char * const  *event_ids,
                     BhProgressFunc       progress,
                     gpointer             progress_data,
                     GCancellable        *cancellable,
                     GError             **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree guint8 *bought_later = NULL;
  Score totals[4] = { { 0 } };
  gboolean with_genre = FALSE;
  guint32 as_of_day;
  gint64 cutoff;

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (as_of == NULL || (as_of_day = _bh_parse_day (as_of)) == 0 || strlen (as_of) != 10)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                   _("The as-of date “%s” is not a date of the form YYYY-MM-DD"),
                   as_of ? as_of : "");
      return NULL;
    }
  cutoff = _bh_local_midnight (as_of_day + 1);

  bought_later = g_new0 (guint8, snapshot->n_customers + 1);

  if (event_ids != NULL && event_ids[0] != NULL)
    {
      for (guint i = 0; event_ids[i] != NULL; i++)
        {
          gpointer found = g_hash_table_lookup (snapshot->event_by_ext_id, event_ids[i]);
          guint32 e;

          if (found == NULL)
            {
              g_set_error (error, BH_ERROR, BH_ERROR_NOT_FOUND,
                           _("Event “%s” is not in the data"), event_ids[i]);
              return NULL;
            }

          e = GPOINTER_TO_UINT (found) - 1;
          g_array_append_val (events, e);
        }
    }
  else
    {
      for (guint32 e = 0; e < snapshot->n_events; e++)
        {
          guint64 all_buyers;

          if (snapshot->event_day[e] <= as_of_day)
            continue;

          if (mark_later_buyers (snapshot, e, cutoff, bought_later, &all_buyers) > 0)
            g_array_append_val (events, e);
          unmark_buyers (snapshot, e, bought_later);
        }
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "as_of");
  json_builder_add_string_value (builder, as_of);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);

  for (guint i = 0; i < events->len; i++)
    {
      if (progress != NULL)
        progress ((double)i / events->len, _("Evaluating events"), progress_data);

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !evaluate_event (snapshot, as_of, g_array_index (events, guint32, i), i,
                           bought_later, builder, totals, &with_genre, cancellable, error))
        return NULL;
    }

  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "overall");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "events");
  json_builder_add_int_value (builder, events->len);
  add_score (builder, "backhaul", &totals[0]);
  add_score (builder, "random", &totals[1]);
  json_builder_set_member_name (builder, "genre_events");
  if (with_genre)
    {
      json_builder_begin_object (builder);
      add_score (builder, "backhaul", &totals[3]);
      add_score (builder, "genre", &totals[2]);
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  if (progress != NULL)
    progress (1.0, NULL, progress_data);

  return json_builder_get_root (builder);
}
