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
 * default exclusion: opt-out, no email address, a ticket already held,
 * the same series or a similar event): random customers (the first of a
 * shuffle seeded with RANDOM_SEED plus the event's place in the report),
 * and the customers who bought most events of the event's genre before
 * the day (ties: the most recent buyer first). Without a genre aspect
 * there is no genre baseline.
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

static void
add_score_totals (Score       *total,
                  const Score *score)
{
  total->size += score->size;
  total->hits += score->hits;
  total->buyers += score->buyers;
}

/*
 * Everything one evaluation shares between its events, made in two
 * passes over all sales, so that an event costs about its own buyers and
 * list rather than a pass over every sale:
 *
 * - which customers have history (bought something before the day);
 * - per event, who bought it before the day, with their latest purchase
 *   of it (what the default exclusions and the genre baseline read), and
 *   who bought it on or after the day (the hits);
 * - every customer's judgement (_bh_build_judge()) when no event is
 *   flagged. An event's own exclusions (a ticket held, the same series,
 *   a similar event) only concern customers who bought one of its
 *   flagged events before the day, so only those are judged again per
 *   event; the build then takes the judgements as known instead of
 *   judging every interested customer once more.
 *
 * The eligible customers of the baselines are those with history whose
 * judgement is "member".
 */
typedef struct
{
  guint64 *start;     /* n_events + 1 */
  guint32 *customer;  /* ascending within an event */
  guint32 *time;      /* latest purchase before the day, or NULL */
} BuyerIndex;

typedef struct
{
  BhSnapshot   *snapshot;
  const char   *as_of;
  gint64        cutoff;

  guint8       *history;        /* n_customers */
  BuyerIndex    before;
  BuyerIndex    later;

  /* per customer: the judgement without flagged events, or during an
   * event's evaluation, with its flags */
  guint8       *status;         /* n_customers, NULL until the first build */
  GArray       *base_list;      /* of guint32: eligible without flags, ascending */

  /* scratch, all zero between events */
  guint8       *judged;         /* n_customers: BH_EVENT_* flags bought */
  guint8       *bought_later;   /* n_customers */
  guint32      *fan_count;      /* n_customers */
  guint32      *fan_last;       /* n_customers */
} Evaluation;

typedef struct
{
  guint32  event;
  guint    number;         /* position in the report, seeds the random list */
  guint64  all_buyers;
  Score    backhaul;
  Score    random;
  Score    genre;
  gboolean with_genre;
} EventResult;

static void
buyer_index_clear (BuyerIndex *index)
{
  g_clear_pointer (&index->start, g_free);
  g_clear_pointer (&index->customer, g_free);
  g_clear_pointer (&index->time, g_free);
}

static void
evaluation_clear (Evaluation *ev)
{
  g_clear_pointer (&ev->history, g_free);
  buyer_index_clear (&ev->before);
  buyer_index_clear (&ev->later);
  g_clear_pointer (&ev->status, g_free);
  g_clear_pointer (&ev->base_list, g_array_unref);
  g_clear_pointer (&ev->judged, g_free);
  g_clear_pointer (&ev->bought_later, g_free);
  g_clear_pointer (&ev->fan_count, g_free);
  g_clear_pointer (&ev->fan_last, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Evaluation, evaluation_clear)

/* One pass over the sales: counts when @fill is FALSE, fills the
 * indexes (sized by the counts) when it is TRUE. */
static void
index_pass (Evaluation *ev,
            gboolean    fill)
{
  BhSnapshot *snapshot = ev->snapshot;
  g_autofree guint32 *before_stamp = g_new0 (guint32, snapshot->n_events + 1);
  g_autofree guint32 *later_stamp = g_new0 (guint32, snapshot->n_events + 1);
  g_autofree guint64 *slot = g_new0 (guint64, snapshot->n_events + 1);
  g_autofree guint64 *before_fill = NULL;
  g_autofree guint64 *later_fill = NULL;

  if (fill)
    {
      before_fill = g_memdup2 (ev->before.start, sizeof (guint64) * (snapshot->n_events + 1));
      later_fill = g_memdup2 (ev->later.start, sizeof (guint64) * (snapshot->n_events + 1));
    }

  for (guint32 c = 0; c < snapshot->n_customers; c++)
    for (guint64 s = snapshot->sale_start[c]; s < snapshot->sale_start[c + 1]; s++)
      {
        const BhSale *sale = &snapshot->sales[s];
        guint32 e = sale->event;

        if (sale->quantity <= 0)
          continue;

        if ((gint64)sale->purchased < ev->cutoff)
          {
            ev->history[c] = 1;
            if (before_stamp[e] != c + 1)
              {
                before_stamp[e] = c + 1;
                if (!fill)
                  {
                    ev->before.start[e + 1]++;
                    continue;
                  }
                slot[e] = before_fill[e]++;
                ev->before.customer[slot[e]] = c;
                ev->before.time[slot[e]] = 0;
              }
            if (fill)
              ev->before.time[slot[e]] = MAX (ev->before.time[slot[e]], sale->purchased);
          }
        else if (later_stamp[e] != c + 1)
          {
            later_stamp[e] = c + 1;
            if (fill)
              ev->later.customer[later_fill[e]++] = c;
            else
              ev->later.start[e + 1]++;
          }
      }
}

static void
make_indexes (Evaluation *ev)
{
  BhSnapshot *snapshot = ev->snapshot;
  guint n = snapshot->n_customers;

  ev->history = g_new0 (guint8, n + 1);
  ev->before.start = g_new0 (guint64, snapshot->n_events + 1);
  ev->later.start = g_new0 (guint64, snapshot->n_events + 1);
  index_pass (ev, FALSE);

  for (guint e = 0; e < snapshot->n_events; e++)
    {
      ev->before.start[e + 1] += ev->before.start[e];
      ev->later.start[e + 1] += ev->later.start[e];
    }
  ev->before.customer = g_new (guint32, ev->before.start[snapshot->n_events] + 1);
  ev->before.time = g_new (guint32, ev->before.start[snapshot->n_events] + 1);
  ev->later.customer = g_new (guint32, ev->later.start[snapshot->n_events] + 1);
  index_pass (ev, TRUE);

  ev->judged = g_new0 (guint8, n + 1);
  ev->bought_later = g_new0 (guint8, n + 1);
  ev->fan_count = g_new0 (guint32, n + 1);
  ev->fan_last = g_new0 (guint32, n + 1);
}

/* Every customer's judgement by @build's rules without flagged events:
 * for evaluation, what is left of the default exclusions. */
static void
judge_without_flags (Evaluation *ev,
                     BhBuild    *build)
{
  BhSnapshot *snapshot = ev->snapshot;
  g_autofree guint8 *no_flags = g_new0 (guint8, snapshot->n_events + 1);
  guint8 *flags = build->event_flags;

  ev->status = g_new (guint8, snapshot->n_customers + 1);
  ev->base_list = g_array_new (FALSE, FALSE, sizeof (guint32));

  build->event_flags = no_flags;
  for (guint32 c = 0; c < snapshot->n_customers; c++)
    {
      ev->status[c] = _bh_build_judge (build, c, FALSE);
      if (ev->history[c] && ev->status[c] == BH_STATUS_MEMBER)
        g_array_append_val (ev->base_list, c);
    }
  build->event_flags = flags;
}

typedef struct
{
  guint32 customer;
  guint8  status;
} Saved;

/* Judges again, with @build's flags, the customers who bought one of its
 * flagged events before the day: the first of the reasons those events
 * give, unless a reason that comes before them (opted out, no email
 * address) removes them anyway, or else their judgement without flags;
 * that one goes to @saved too. */
static void
judge_flagged (Evaluation *ev,
               BhBuild    *build,
               GArray     *saved)
{
  BhSnapshot *snapshot = ev->snapshot;
  guint8 *bought = ev->judged;

  for (guint32 x = 0; x < snapshot->n_events; x++)
    {
      if (build->event_flags[x] == 0)
        continue;

      for (guint64 b = ev->before.start[x]; b < ev->before.start[x + 1]; b++)
        {
          guint32 c = ev->before.customer[b];

          if (bought[c] == 0)
            {
              Saved entry = { c, ev->status[c] };

              g_array_append_val (saved, entry);
            }
          bought[c] |= build->event_flags[x];
        }
    }

  for (guint i = 0; i < saved->len; i++)
    {
      const Saved *entry = &g_array_index (saved, Saved, i);

      /* What the judge checks before the events (an opt-out, no address)
       * still comes first. */
      if (entry->status == BH_STATUS_MEMBER || entry->status >= BH_REASON_HOLDS_TICKET)
        ev->status[entry->customer] = _bh_build_judge_bought (build, bought[entry->customer],
                                                              entry->status);
    }
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

/* The genre aspects of @event, ascending. */
static GArray *
genre_set (BhSnapshot *snapshot,
           guint32     event)
{
  GArray *genres = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint32 i = snapshot->event_aspect_start[event];
       i < snapshot->event_aspect_start[event + 1];
       i++)
    if (snapshot->aspect_is_genre[snapshot->event_aspect[i]])
      g_array_append_val (genres, snapshot->event_aspect[i]);

  return genres;
}

static gboolean
same_genres (GArray *a,
             GArray *b)
{
  return a->len == b->len &&
         (a->len == 0 || memcmp (a->data, b->data, sizeof (guint32) * a->len) == 0);
}

/*
 * Every customer who bought an event sharing a genre with @genres before
 * the day, best genre fan first: most such events, then the most recent
 * such purchase, then the customer first in the store. The evaluated
 * event itself would not count for anyone eligible (they hold no ticket
 * for it), so events with the same genres share one list.
 */
static GArray *
genre_fans (Evaluation *ev,
            GArray     *genres)
{
  BhSnapshot *snapshot = ev->snapshot;
  g_autofree guint8 *is_genre = g_new0 (guint8, snapshot->n_aspects + 1);
  g_autoptr(GArray) touched = g_array_new (FALSE, FALSE, sizeof (guint32));
  GArray *fans;

  for (guint i = 0; i < genres->len; i++)
    is_genre[g_array_index (genres, guint32, i)] = 1;

  for (guint32 x = 0; x < snapshot->n_events; x++)
    {
      gboolean shares = FALSE;

      for (guint32 k = snapshot->event_aspect_start[x];
           k < snapshot->event_aspect_start[x + 1] && !shares;
           k++)
        shares = is_genre[snapshot->event_aspect[k]];
      if (!shares)
        continue;

      for (guint64 b = ev->before.start[x]; b < ev->before.start[x + 1]; b++)
        {
          guint32 c = ev->before.customer[b];

          if (ev->fan_count[c]++ == 0)
            g_array_append_val (touched, c);
          ev->fan_last[c] = MAX (ev->fan_last[c], ev->before.time[b]);
        }
    }

  fans = g_array_sized_new (FALSE, FALSE, sizeof (GenreFan), touched->len);
  for (guint i = 0; i < touched->len; i++)
    {
      guint32 c = g_array_index (touched, guint32, i);
      GenreFan fan = { c, ev->fan_count[c], ev->fan_last[c] };

      g_array_append_val (fans, fan);
      ev->fan_count[c] = 0;
      ev->fan_last[c] = 0;
    }
  g_array_sort (fans, compare_fans);

  return fans;
}

static void
restore_status (Evaluation *ev,
                GArray     *saved)
{
  for (guint i = 0; i < saved->len; i++)
    {
      const Saved *entry = &g_array_index (saved, Saved, i);

      ev->status[entry->customer] = entry->status;
      ev->judged[entry->customer] = 0;
    }
}

static gboolean
evaluate_event (Evaluation   *ev,
                EventResult  *result,
                GArray       *fans,
                GCancellable *cancellable,
                GError      **error)
{
  BhSnapshot *snapshot = ev->snapshot;
  g_autoptr(BhDefinition) definition = bh_definition_new ();
  g_autoptr(BhBuild) build = NULL;
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) eligible = NULL;
  g_autoptr(GArray) saved = g_array_new (FALSE, FALSE, sizeof (Saved));
  g_autoptr(GArray) genre = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GRand) rand = g_rand_new_with_seed (RANDOM_SEED + result->number);
  guint32 event = result->event;
  const char *events[] = { g_ptr_array_index (snapshot->event_ext_id, event), NULL };
  guint64 buyers = 0;
  guint size, n_eligible;

  definition->events = g_strdupv ((GStrv)events);
  definition->as_of = g_strdup (ev->as_of);

  if (!(build = _bh_build_new (snapshot, definition, cancellable, error)))
    return FALSE;

  if (ev->status == NULL)
    judge_without_flags (ev, build);
  judge_flagged (ev, build, saved);

  build->known_status = ev->status;
  if (!_bh_build_select (build, error))
    {
      restore_status (ev, saved);
      return FALSE;
    }

  g_array_set_size (members, build->n_members);
  size = 0;
  for (guint32 c = 0; c < snapshot->n_customers; c++)
    if (build->status[c] == BH_STATUS_MEMBER)
      ((guint32 *)(gpointer)members->data)[size++] = c;
  g_assert (size == build->n_members);

  /* The eligible customers, in store order: the base ones less those
   * this event's exclusions remove. */
  eligible = g_array_sized_new (FALSE, FALSE, sizeof (guint32), ev->base_list->len);
  g_array_set_size (eligible, ev->base_list->len);
  n_eligible = 0;
  for (guint i = 0; i < ev->base_list->len; i++)
    {
      guint32 c = ((const guint32 *)(gpointer)ev->base_list->data)[i];

      if (ev->status[c] == BH_STATUS_MEMBER)
        ((guint32 *)(gpointer)eligible->data)[n_eligible++] = c;
    }
  g_array_set_size (eligible, n_eligible);

  result->all_buyers = ev->later.start[event + 1] - ev->later.start[event];
  for (guint64 b = ev->later.start[event]; b < ev->later.start[event + 1]; b++)
    {
      guint32 c = ev->later.customer[b];

      if (ev->history[c])
        {
          ev->bought_later[c] = 1;
          buyers++;
        }
    }

  count_hits (&result->backhaul, (const guint32 *)(gpointer)members->data, size,
              ev->bought_later, buyers);

  /* The first size of a seeded shuffle of the eligible customers. */
  for (guint i = 0; i < MIN (size, eligible->len); i++)
    {
      guint j = i + g_rand_int_range (rand, 0, (gint32)(eligible->len - i));
      guint32 swap = g_array_index (eligible, guint32, i);

      g_array_index (eligible, guint32, i) = g_array_index (eligible, guint32, j);
      g_array_index (eligible, guint32, j) = swap;
    }
  count_hits (&result->random, (const guint32 *)(gpointer)eligible->data,
              MIN (size, eligible->len), ev->bought_later, buyers);

  if (fans != NULL)
    {
      for (guint i = 0; i < fans->len && genre->len < size; i++)
        {
          guint32 c = g_array_index (fans, GenreFan, i).customer;

          /* every fan has history */
          if (ev->status[c] == BH_STATUS_MEMBER)
            g_array_append_val (genre, c);
        }
      count_hits (&result->genre, (const guint32 *)(gpointer)genre->data, genre->len,
                  ev->bought_later, buyers);
      result->with_genre = TRUE;
    }

  for (guint64 b = ev->later.start[event]; b < ev->later.start[event + 1]; b++)
    ev->bought_later[ev->later.customer[b]] = 0;
  restore_status (ev, saved);

  return TRUE;
}

static void
add_event_result (BhSnapshot        *snapshot,
                  JsonBuilder       *builder,
                  const EventResult *result)
{
  GDate date;
  char date_text[16];

  g_date_clear (&date, 1);
  g_date_set_julian (&date, snapshot->event_day[result->event]);
  g_date_strftime (date_text, sizeof date_text, "%Y-%m-%d", &date);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event_id");
  json_builder_add_string_value (builder,
                                 g_ptr_array_index (snapshot->event_ext_id, result->event));
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder,
                                 g_ptr_array_index (snapshot->event_title, result->event));
  json_builder_set_member_name (builder, "date");
  json_builder_add_string_value (builder, date_text);
  json_builder_set_member_name (builder, "later_buyers");
  json_builder_add_int_value (builder, result->all_buyers);
  json_builder_set_member_name (builder, "later_buyers_with_history");
  json_builder_add_int_value (builder, result->backhaul.buyers);
  add_score (builder, "backhaul", &result->backhaul);
  add_score (builder, "random", &result->random);
  if (result->with_genre)
    {
      add_score (builder, "genre", &result->genre);
    }
  else
    {
      json_builder_set_member_name (builder, "genre");
      json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);
}

typedef struct
{
  guint   index;   /* into the results */
  GArray *genres;
} Pending;

static int
compare_pending (gconstpointer a,
                 gconstpointer b)
{
  const Pending *pa = a;
  const Pending *pb = b;
  guint n = MIN (pa->genres->len, pb->genres->len);
  int order = n > 0 ? memcmp (pa->genres->data, pb->genres->data, sizeof (guint32) * n) : 0;

  /* memcmp orders bytes, which is as good as any order for grouping */
  if (order != 0)
    return order;
  if (pa->genres->len != pb->genres->len)
    return pa->genres->len < pb->genres->len ? -1 : 1;

  return pa->index < pb->index ? -1 : pa->index > pb->index;
}

/* Evaluates every event in @results, grouped by their genres so that
 * each genre's fan list is made once. */
static gboolean
evaluate_events (Evaluation     *ev,
                 EventResult    *results,
                 guint           n_results,
                 BhProgressFunc  progress,
                 gpointer        progress_data,
                 GCancellable   *cancellable,
                 GError        **error)
{
  g_autofree Pending *pending = g_new0 (Pending, n_results + 1);
  g_autoptr(GArray) fans = NULL;
  gboolean ok = TRUE;

  for (guint i = 0; i < n_results; i++)
    {
      pending[i].index = i;
      pending[i].genres = genre_set (ev->snapshot, results[i].event);
    }
  qsort (pending, n_results, sizeof (Pending), compare_pending);

  for (guint i = 0; i < n_results && ok; i++)
    {
      GArray *genres = pending[i].genres;

      if (progress != NULL)
        progress (0.2 + 0.8 * i / n_results, _("Evaluating events"), progress_data);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }

      if (i == 0 || !same_genres (genres, pending[i - 1].genres))
        {
          g_clear_pointer (&fans, g_array_unref);
          if (genres->len > 0)
            fans = genre_fans (ev, genres);
        }

      ok = evaluate_event (ev, &results[pending[i].index], fans, cancellable, error);
    }

  for (guint i = 0; i < n_results; i++)
    g_array_unref (pending[i].genres);

  return ok;
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
  g_autofree EventResult *results = NULL;
  g_auto(Evaluation) ev = { 0 };
  g_autoptr(BhProfiles) profiles = NULL;
  Score totals[4] = { { 0 } };
  gboolean with_genre = FALSE;
  guint32 as_of_day;
  gint64 started = g_get_monotonic_time ();

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (as_of == NULL || (as_of_day = _bh_parse_day (as_of)) == 0 || strlen (as_of) != 10)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                   _("The as-of date “%s” is not a date of the form YYYY-MM-DD"),
                   as_of ? as_of : "");
      return NULL;
    }

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

  ev.snapshot = snapshot;
  ev.as_of = as_of;
  ev.cutoff = _bh_local_midnight (as_of_day + 1);

  /* Every build takes the profiles as of the day; made here, once, they
   * stay with the snapshot while this holds them. */
  if (progress != NULL)
    progress (0.0, _("Computing every customer’s tastes as of the day"), progress_data);
  if (!(profiles = _bh_snapshot_get_profiles (snapshot, ev.cutoff, cancellable)))
    {
      g_cancellable_set_error_if_cancelled (cancellable, error);
      return NULL;
    }

  if (progress != NULL)
    progress (0.1, _("Reading who bought what before and after the day"), progress_data);
  make_indexes (&ev);

  if (event_ids == NULL || event_ids[0] == NULL)
    for (guint32 e = 0; e < snapshot->n_events; e++)
      {
        gboolean bought = FALSE;

        if (snapshot->event_day[e] <= as_of_day)
          continue;

        for (guint64 b = ev.later.start[e]; b < ev.later.start[e + 1] && !bought; b++)
          bought = ev.history[ev.later.customer[b]];
        if (bought)
          g_array_append_val (events, e);
      }

  g_debug ("Indexed the purchases around the day for %u events in %.0f ms",
           events->len, (g_get_monotonic_time () - started) / 1000.0);

  results = g_new0 (EventResult, events->len + 1);
  for (guint i = 0; i < events->len; i++)
    {
      results[i].event = g_array_index (events, guint32, i);
      results[i].number = i;
    }

  if (!evaluate_events (&ev, results, events->len, progress, progress_data, cancellable,
                        error))
    return NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "as_of");
  json_builder_add_string_value (builder, as_of);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (guint i = 0; i < events->len; i++)
    {
      add_event_result (snapshot, builder, &results[i]);

      add_score_totals (&totals[0], &results[i].backhaul);
      add_score_totals (&totals[1], &results[i].random);
      if (results[i].with_genre)
        {
          add_score_totals (&totals[3], &results[i].backhaul);
          add_score_totals (&totals[2], &results[i].genre);
          with_genre = TRUE;
        }
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

  g_debug ("Evaluated %u events in %.0f ms", events->len,
           (g_get_monotonic_time () - started) / 1000.0);

  return json_builder_get_root (builder);
}
