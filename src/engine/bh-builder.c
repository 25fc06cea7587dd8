/* bh-builder.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-builder"

#include "config.h"

#include <math.h>
#include <string.h>

#include "bh-builder-private.h"
#include "bh-error.h"
#include "bh-i18n.h"
#include "bh-package.h"

/*
 * A build, step by step:
 *
 * 1. The interest of every customer in every chosen event: the cosine of
 *    profile and event vector (see bh-snapshot.c), summed straight out of
 *    the aspect → customer index, so only customers who share an aspect
 *    with the event are touched.
 * 2. Candidates: interested (interest above 0 and at least the
 *    threshold) in every chosen event (inclusive) or in at least
 *    quorum × n of them (selective), and everyone on the include list.
 *    A candidate's score is the mean interest over the chosen events.
 * 3. Exclusions, each candidate counted under the first reason in the
 *    order of bh-package.h. An included customer is only removed by an
 *    opt-out, by having no usable email address, or by being on the
 *    exclude list too: including someone is the marketer overriding the
 *    filters, but never an opt-out, a mail cannot reach a customer
 *    without an address, and a customer on both lists is better left out.
 * 4. The size limit keeps included customers first, then the best
 *    scores (ties: the customer first in the store).
 * 5. Clusters and their figures (bh-clustering.c), and each member's why.
 *
 * Sale lines with a quantity of zero or less (returns) are not purchases
 * anywhere in the builder.
 */

/*
 * Two events are similar when the cosine of their aspect vectors is at
 * least this. With IDF weights, events that only share a genre, a hall
 * and an atmosphere stay well below it (about 0.3 to 0.5); the same
 * programme with the same performers in another production reaches it.
 */
#define BH_SIMILAR_EVENT_THRESHOLD 0.8

/* The same-series and similar-event window reaches this far ahead. */
#define WINDOW_AHEAD_MONTHS 6

static const char * const reason_keys[BH_N_REASONS] = {
  "opted-out",
  "no-email",
  "holds-ticket",
  "same-series",
  "similar-event",
  "excluded-id",
  "purchase-date",
  "price",
  "discount-only",
  "location",
  "max-customers",
};

static void
report (BhProgressFunc  progress,
        gpointer        progress_data,
        double          fraction,
        const char     *message)
{
  if (progress != NULL)
    progress (fraction, message, progress_data);
}

double
_bh_event_similarity (BhSnapshot *snapshot,
                      guint32     a,
                      guint32     b)
{
  guint32 i = snapshot->event_aspect_start[a];
  guint32 j = snapshot->event_aspect_start[b];
  guint32 i_end = snapshot->event_aspect_start[a + 1];
  guint32 j_end = snapshot->event_aspect_start[b + 1];
  double dot = 0;

  /* Both rows are sorted by aspect. */
  while (i < i_end && j < j_end)
    {
      guint32 x = snapshot->event_aspect[i];
      guint32 y = snapshot->event_aspect[j];

      if (x == y)
        dot += (double)snapshot->event_aspect_weight[i++] * snapshot->event_aspect_weight[j++];
      else if (x < y)
        i++;
      else
        j++;
    }

  return dot;
}

double
_bh_interest (BhSnapshot *snapshot,
              BhProfiles *profiles,
              guint32     customer,
              guint32     event)
{
  double dot = 0;

  for (guint32 k = snapshot->event_aspect_start[event];
       k < snapshot->event_aspect_start[event + 1];
       k++)
    dot += (double)snapshot->event_aspect_weight[k] *
           _bh_profiles_get (profiles, customer, snapshot->event_aspect[k]);

  return CLAMP (dot, 0.0, 1.0);
}

void
_bh_build_free (BhBuild *build)
{
  if (build == NULL)
    return;

  g_free (build->chosen);
  g_free (build->event_flags);
  g_clear_pointer (&build->profiles, _bh_profiles_unref);
  g_free (build->interest);
  g_free (build->listed);
  g_clear_pointer (&build->unmatched_ids, g_ptr_array_unref);
  g_free (build->city_flags);
  g_free (build->status);
  g_free (build->score);
  g_clear_object (&build->cancellable);
  g_clear_pointer (&build->snapshot, bh_snapshot_unref);
  g_free (build);
}

static void
compute_window (BhBuild *build)
{
  BhSnapshot *snapshot = build->snapshot;
  GDate as_of, start, next, ahead;
  guint year;

  g_date_clear (&as_of, 1);
  g_date_set_julian (&as_of, build->as_of_day);
  year = g_date_get_year (&as_of);

  /* The season that holds the as-of day, and the one before it. */
  g_date_clear (&start, 1);
  g_date_set_dmy (&start, snapshot->season_day, snapshot->season_month, year);
  if (g_date_compare (&as_of, &start) < 0)
    g_date_subtract_years (&start, 1);

  next = start;
  g_date_add_years (&next, 1);
  g_date_subtract_days (&next, 1);
  g_date_subtract_years (&start, 1);

  ahead = as_of;
  g_date_add_months (&ahead, WINDOW_AHEAD_MONTHS);

  build->window_from = g_date_get_julian (&start);
  build->window_to = MAX (g_date_get_julian (&next), g_date_get_julian (&ahead));
}

static gboolean
resolve_events (BhBuild  *build,
                GError  **error)
{
  BhSnapshot *snapshot = build->snapshot;
  const BhDefinition *definition = build->definition;

  build->n_chosen = g_strv_length (definition->events);
  build->chosen = g_new (guint32, build->n_chosen);
  build->event_flags = g_new0 (guint8, snapshot->n_events + 1);

  for (guint j = 0; j < build->n_chosen; j++)
    {
      gpointer found = g_hash_table_lookup (snapshot->event_by_ext_id, definition->events[j]);

      if (found == NULL)
        {
          g_set_error (error, BH_ERROR, BH_ERROR_NOT_FOUND,
                       _("Event “%s” is not in the data"), definition->events[j]);
          return FALSE;
        }

      build->chosen[j] = GPOINTER_TO_UINT (found) - 1;
      build->event_flags[build->chosen[j]] |= BH_EVENT_CHOSEN;
    }

  for (guint e = 0; e < snapshot->n_events; e++)
    {
      if ((build->event_flags[e] & BH_EVENT_CHOSEN) ||
          snapshot->event_day[e] < build->window_from ||
          snapshot->event_day[e] > build->window_to)
        continue;

      for (guint j = 0; j < build->n_chosen; j++)
        {
          guint32 chosen = build->chosen[j];

          if (snapshot->event_series[e] != BH_NONE &&
              snapshot->event_series[e] == snapshot->event_series[chosen])
            build->event_flags[e] |= BH_EVENT_SAME_SERIES;

          if (_bh_event_similarity (snapshot, e, chosen) >= BH_SIMILAR_EVENT_THRESHOLD)
            build->event_flags[e] |= BH_EVENT_SIMILAR;
        }
    }

  return TRUE;
}

static void
resolve_lists (BhBuild *build)
{
  BhSnapshot *snapshot = build->snapshot;
  const BhDefinition *definition = build->definition;
  g_autoptr(GHashTable) wanted = NULL;
  g_autoptr(GHashTable) seen = NULL;
  const GStrv lists[2] = { definition->include_ids, definition->exclude_ids };

  build->unmatched_ids = g_ptr_array_new_with_free_func (g_free);

  if ((definition->include_ids == NULL || definition->include_ids[0] == NULL) &&
      (definition->exclude_ids == NULL || definition->exclude_ids[0] == NULL))
    return;

  /* id → flags wanted; ids are compared as given, without spaces around */
  wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint l = 0; l < 2; l++)
    for (guint i = 0; lists[l] != NULL && lists[l][i] != NULL; i++)
      {
        g_autofree char *id = g_strstrip (g_strdup (lists[l][i]));
        guint flags = GPOINTER_TO_UINT (g_hash_table_lookup (wanted, id));

        flags |= l == 0 ? BH_LISTED_INCLUDE : BH_LISTED_EXCLUDE;
        g_hash_table_insert (wanted, g_steal_pointer (&id), GUINT_TO_POINTER (flags));
      }

  build->listed = g_new0 (guint8, snapshot->n_customers + 1);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint c = 0; c < snapshot->n_customers; c++)
    {
      const char *id = _bh_snapshot_string (snapshot, snapshot->customer_ext_id[c]);
      gpointer flags = g_hash_table_lookup (wanted, id);

      if (flags != NULL)
        {
          build->listed[c] = GPOINTER_TO_UINT (flags);
          g_hash_table_add (seen, (gpointer)id);
        }
    }

  /* The report follows the lists' order, each unmatched id once. */
  for (guint l = 0; l < 2; l++)
    for (guint i = 0; lists[l] != NULL && lists[l][i] != NULL; i++)
      {
        g_autofree char *id = g_strstrip (g_strdup (lists[l][i]));

        if (g_hash_table_contains (seen, id))
          continue;

        g_ptr_array_add (build->unmatched_ids, g_strdup (id));
        g_hash_table_add (seen, g_ptr_array_index (build->unmatched_ids,
                                                   build->unmatched_ids->len - 1));
      }

  /* External ids are unique, so this counts the include ids that matched. */
  for (guint c = 0; c < snapshot->n_customers; c++)
    if (build->listed[c] & BH_LISTED_INCLUDE)
      build->matched_ids++;
}

static void
resolve_cities (BhBuild *build)
{
  BhSnapshot *snapshot = build->snapshot;
  const BhDefinition *definition = build->definition;
  const GStrv lists[2] = { definition->include_cities, definition->exclude_cities };

  build->city_flags = g_new0 (guint8, snapshot->cities->len + 1);

  for (guint l = 0; l < 2; l++)
    for (guint i = 0; lists[l] != NULL && lists[l][i] != NULL; i++)
      {
        g_autofree char *stripped = g_strstrip (g_strdup (lists[l][i]));
        g_autofree char *folded = g_utf8_casefold (stripped, -1);

        for (guint k = 0; k < snapshot->cities->len; k++)
          if (g_str_equal (folded, g_ptr_array_index (snapshot->cities, k)))
            build->city_flags[k] |= l == 0 ? BH_LISTED_INCLUDE : BH_LISTED_EXCLUDE;
      }
}

BhBuild *
_bh_build_new (BhSnapshot          *snapshot,
               const BhDefinition  *definition,
               GCancellable        *cancellable,
               GError             **error)
{
  g_autoptr(BhBuild) build = g_new0 (BhBuild, 1);

  if (!bh_definition_validate (definition, error))
    return NULL;

  build->snapshot = bh_snapshot_ref (snapshot);
  build->definition = definition;
  build->cancellable = cancellable ? g_object_ref (cancellable) : NULL;

  build->as_of_day = definition->as_of ? _bh_parse_day (definition->as_of) : _bh_today ();
  g_assert (build->as_of_day > 0);
  build->cutoff = _bh_local_midnight (build->as_of_day + 1);
  compute_window (build);

  if (definition->exclude_all_before != NULL)
    build->before_time = _bh_local_midnight (_bh_parse_day (definition->exclude_all_before));
  if (definition->exclude_all_after != NULL)
    build->after_time = _bh_local_midnight (_bh_parse_day (definition->exclude_all_after) + 1);

  if (!resolve_events (build, error))
    return NULL;

  resolve_lists (build);
  resolve_cities (build);

  if (!(build->profiles = _bh_snapshot_get_profiles (snapshot, build->cutoff, cancellable)))
    {
      g_cancellable_set_error_if_cancelled (cancellable, error);
      return NULL;
    }

  return g_steal_pointer (&build);
}

static gboolean
post_code_matches (const char         *post_code,
                   const char * const *prefixes)
{
  for (guint i = 0; prefixes != NULL && prefixes[i] != NULL; i++)
    {
      const char *prefix = prefixes[i];
      gsize len;

      while (g_ascii_isspace (*prefix))
        prefix++;
      len = strlen (prefix);
      while (len > 0 && g_ascii_isspace (prefix[len - 1]))
        len--;

      if (len > 0 && g_ascii_strncasecmp (post_code, prefix, len) == 0 &&
          strlen (post_code) >= len)
        return TRUE;
    }

  return FALSE;
}

/* The first reason that removes @customer, or BH_STATUS_MEMBER. */
guint8
_bh_build_judge (BhBuild  *build,
                 guint32   customer,
                 gboolean  included)
{
  BhSnapshot *snapshot = build->snapshot;
  const BhDefinition *definition = build->definition;
  gboolean listed_out = build->listed && (build->listed[customer] & BH_LISTED_EXCLUDE);
  gboolean holds = FALSE, same = FALSE, similar = FALSE;
  gboolean any_after_before = FALSE, any_before_after = FALSE;
  gint64 paid = 0, tickets = 0;
  guint comparable = 0, discounted = 0;

  if (snapshot->customer_opt_out[customer])
    return BH_REASON_OPTED_OUT;
  if (snapshot->customer_no_email[customer])
    return BH_REASON_NO_EMAIL;

  if (included)
    return listed_out ? BH_REASON_EXCLUDED_ID : BH_STATUS_MEMBER;

  for (guint64 s = snapshot->sale_start[customer]; s < snapshot->sale_start[customer + 1]; s++)
    {
      const BhSale *sale = &snapshot->sales[s];
      guint8 flags;

      if (!_bh_sale_before (sale, build->cutoff))
        continue;

      flags = build->event_flags[sale->event];
      holds |= (flags & BH_EVENT_CHOSEN) != 0;
      same |= (flags & BH_EVENT_SAME_SERIES) != 0;
      similar |= (flags & BH_EVENT_SIMILAR) != 0;

      any_after_before |= (gint64)sale->purchased >= build->before_time;
      any_before_after |= (gint64)sale->purchased < build->after_time;

      if (sale->price != BH_PRICE_UNKNOWN)
        {
          paid += (gint64)sale->price * sale->quantity;
          tickets += sale->quantity;

          if (sale->base_price != BH_PRICE_UNKNOWN)
            {
              comparable++;
              discounted += sale->price < sale->base_price;
            }
        }
    }

  if (holds)
    return BH_REASON_HOLDS_TICKET;
  if (same && definition->exclude_same_series)
    return BH_REASON_SAME_SERIES;
  if (similar && definition->exclude_similar)
    return BH_REASON_SIMILAR_EVENT;
  if (listed_out)
    return BH_REASON_EXCLUDED_ID;

  /* "All purchases before the date" holds for someone without purchases
   * too; such a customer is removed by either bound. */
  if ((definition->exclude_all_before != NULL && !any_after_before) ||
      (definition->exclude_all_after != NULL && !any_before_after))
    return BH_REASON_PURCHASE_DATE;

  if (tickets > 0)
    {
      double average = paid / 100.0 / tickets;

      if ((definition->min_avg_price >= 0 && average < definition->min_avg_price) ||
          (definition->max_avg_price >= 0 && average > definition->max_avg_price))
        return BH_REASON_PRICE;
    }

  if (definition->exclude_discount_only && comparable > 0 && discounted == comparable)
    return BH_REASON_DISCOUNT_ONLY;

  if ((definition->include_post_codes && definition->include_post_codes[0]) ||
      (definition->include_cities && definition->include_cities[0]))
    {
      const char *post_code = _bh_snapshot_string (snapshot,
                                                   snapshot->customer_post_code[customer]);
      guint32 city = snapshot->customer_city[customer];
      gboolean inside =
        post_code_matches (post_code, (const char * const *)definition->include_post_codes) ||
        (city != BH_NONE && (build->city_flags[city] & BH_LISTED_INCLUDE));

      if (!inside)
        return BH_REASON_LOCATION;
    }

  if ((definition->exclude_post_codes && definition->exclude_post_codes[0]) ||
      (definition->exclude_cities && definition->exclude_cities[0]))
    {
      const char *post_code = _bh_snapshot_string (snapshot,
                                                   snapshot->customer_post_code[customer]);
      guint32 city = snapshot->customer_city[customer];

      if (post_code_matches (post_code, (const char * const *)definition->exclude_post_codes) ||
          (city != BH_NONE && (build->city_flags[city] & BH_LISTED_EXCLUDE)))
        return BH_REASON_LOCATION;
    }

  return BH_STATUS_MEMBER;
}

static void
interest_part (guint    part,
               guint    n_parts,
               gpointer data)
{
  BhBuild *build = data;
  BhSnapshot *snapshot = build->snapshot;
  BhProfiles *profiles = build->profiles;
  guint n = snapshot->n_customers;
  guint32 from = _bh_part_start (n, part, n_parts);
  guint32 to = _bh_part_start (n, part + 1, n_parts);

  for (guint j = 0; j < build->n_chosen; j++)
    {
      float *row = build->interest + (gsize)j * n;
      guint32 e = build->chosen[j];

      memset (row + from, 0, sizeof (float) * (to - from));

      for (guint32 k = snapshot->event_aspect_start[e];
           k < snapshot->event_aspect_start[e + 1];
           k++)
        {
          guint32 a = snapshot->event_aspect[k];
          float w = snapshot->event_aspect_weight[k];
          guint64 lo = profiles->column_start[a];
          guint64 hi = profiles->column_start[a + 1];
          guint64 end = hi;

          /* The column is sorted by customer: find where this part starts. */
          while (lo < hi)
            {
              guint64 mid = lo + (hi - lo) / 2;

              if (profiles->column_customer[mid] < from)
                lo = mid + 1;
              else
                hi = mid;
            }

          for (guint64 i = lo; i < end && profiles->column_customer[i] < to; i++)
            row[profiles->column_customer[i]] += w * profiles->column_weight[i];
        }
    }
}

typedef struct
{
  BhBuild *build;
  guint    need;
  guint    counts[4][BH_N_REASONS];
  guint    members[4];
  gboolean cancelled[4];
} SelectData;

static void
select_part (guint    part,
             guint    n_parts,
             gpointer data)
{
  SelectData *select = data;
  BhBuild *build = select->build;
  guint n = build->snapshot->n_customers;
  guint32 from = _bh_part_start (n, part, n_parts);
  guint32 to = _bh_part_start (n, part + 1, n_parts);
  double threshold = build->definition->threshold;

  for (guint32 c = from; c < to; c++)
    {
      guint interested = 0;
      double sum = 0;
      gboolean included;
      guint8 status;

      if ((c - from) % 65536 == 65535 && g_cancellable_is_cancelled (build->cancellable))
        {
          select->cancelled[part] = TRUE;
          return;
        }

      for (guint j = 0; j < build->n_chosen; j++)
        {
          float x = MIN (build->interest[(gsize)j * n + c], 1.0f);

          sum += x;
          interested += x > 0 && x >= threshold;
        }

      build->score[c] = (float)(sum / build->n_chosen);
      included = build->listed && (build->listed[c] & BH_LISTED_INCLUDE);

      if (interested < select->need && !included)
        {
          build->status[c] = BH_STATUS_NOT_TAKEN;
          continue;
        }

      status = _bh_build_judge (build, c, included);
      build->status[c] = status;
      if (status == BH_STATUS_MEMBER)
        select->members[part]++;
      else
        select->counts[part][status]++;
    }
}

gboolean
_bh_build_select (BhBuild  *build,
                  GError  **error)
{
  BhSnapshot *snapshot = build->snapshot;
  const BhDefinition *definition = build->definition;
  guint n_parts = _bh_parallel_parts ();
  g_autofree SelectData *select = g_new0 (SelectData, 1);

  g_assert (n_parts <= G_N_ELEMENTS (select->members));

  build->interest = g_new (float, (gsize)build->n_chosen * snapshot->n_customers + 1);
  _bh_parallel_run (n_parts, interest_part, build);

  if (g_cancellable_set_error_if_cancelled (build->cancellable, error))
    return FALSE;

  select->build = build;
  if (definition->mode == BH_MODE_INCLUSIVE)
    select->need = build->n_chosen;
  else
    select->need = MAX (1, (guint)ceil (definition->quorum * build->n_chosen - 1e-9));

  build->status = g_new (guint8, snapshot->n_customers + 1);
  build->score = g_new (float, snapshot->n_customers + 1);
  _bh_parallel_run (n_parts, select_part, select);

  memset (build->counts, 0, sizeof build->counts);
  build->n_members = 0;
  for (guint p = 0; p < n_parts; p++)
    {
      if (select->cancelled[p])
        {
          g_cancellable_set_error_if_cancelled (build->cancellable, error);
          return FALSE;
        }

      build->n_members += select->members[p];
      for (guint r = 0; r < BH_N_REASONS; r++)
        build->counts[r] += select->counts[p][r];
    }

  return TRUE;
}

/* Results */

static void
clear_member (gpointer data)
{
  BhBuildMember *member = data;

  g_clear_pointer (&member->why, g_free);
}

static void
clear_exclusion (gpointer data)
{
  BhExclusion *exclusion = data;

  g_clear_pointer (&exclusion->reason, g_free);
}

void
bh_build_result_free (BhBuildResult *result)
{
  if (result == NULL)
    return;

  g_clear_pointer (&result->members, g_array_unref);
  g_clear_pointer (&result->clusters, g_ptr_array_unref);
  g_clear_pointer (&result->exclusions, g_array_unref);
  g_clear_pointer (&result->unmatched_ids, g_strfreev);
  g_free (result);
}

typedef struct
{
  guint32  customer;
  float    score;
  gboolean included;
} Ranked;

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  const Ranked *ra = a;
  const Ranked *rb = b;

  if (ra->included != rb->included)
    return ra->included ? -1 : 1;
  if (ra->score != rb->score)
    return ra->score > rb->score ? -1 : 1;

  return ra->customer < rb->customer ? -1 : ra->customer > rb->customer;
}

typedef struct
{
  guint32 aspect;
  double  share;
} Reason;

static int
compare_reasons (gconstpointer a,
                 gconstpointer b)
{
  const Reason *ra = a;
  const Reason *rb = b;

  if (ra->share != rb->share)
    return ra->share > rb->share ? -1 : 1;

  return ra->aspect < rb->aspect ? -1 : ra->aspect > rb->aspect;
}

/* The aspects that give the most of a member's interest, strongest
 * first: up to three, stopping once they explain three quarters. */
static char *
dup_why (BhBuild *build,
         guint32  customer)
{
  BhSnapshot *snapshot = build->snapshot;
  g_autoptr(GArray) reasons = g_array_new (FALSE, FALSE, sizeof (Reason));
  GString *why;
  double total = 0, covered = 0;

  for (guint j = 0; j < build->n_chosen; j++)
    {
      guint32 e = build->chosen[j];

      for (guint32 k = snapshot->event_aspect_start[e];
           k < snapshot->event_aspect_start[e + 1];
           k++)
        {
          Reason reason = { snapshot->event_aspect[k], 0 };
          gboolean found = FALSE;

          reason.share = (double)snapshot->event_aspect_weight[k] *
                         _bh_profiles_get (build->profiles, customer, reason.aspect);
          if (reason.share <= 0)
            continue;

          total += reason.share;
          for (guint i = 0; i < reasons->len && !found; i++)
            if (g_array_index (reasons, Reason, i).aspect == reason.aspect)
              {
                g_array_index (reasons, Reason, i).share += reason.share;
                found = TRUE;
              }
          if (!found)
            g_array_append_val (reasons, reason);
        }
    }

  if (reasons->len == 0)
    return NULL;

  g_array_sort (reasons, compare_reasons);
  why = g_string_new (NULL);
  for (guint i = 0; i < reasons->len && i < 3 && covered < 0.75 * total; i++)
    {
      const Reason *reason = &g_array_index (reasons, Reason, i);

      if (i > 0)
        g_string_append (why, ", ");
      g_string_append (why, g_ptr_array_index (snapshot->aspect_name, reason->aspect));
      covered += reason->share;
    }

  return g_string_free (why, FALSE);
}

static GArray *
make_exclusions (const guint *counts)
{
  GArray *exclusions = g_array_sized_new (FALSE, FALSE, sizeof (BhExclusion), BH_N_REASONS);

  g_array_set_clear_func (exclusions, clear_exclusion);
  for (guint r = 0; r < BH_N_REASONS; r++)
    {
      BhExclusion exclusion = { g_strdup (reason_keys[r]), counts[r] };

      g_array_append_val (exclusions, exclusion);
    }

  return exclusions;
}

/**
 * bh_builder_run:
 * @snapshot: the data
 * @definition: what to build
 * @progress: (nullable): called with the progress from this thread
 * @progress_data: closure data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Builds a package's members, exclusions and clusters. Blocks; call it
 * from a worker thread. An empty result is a valid result.
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
BhBuildResult *
bh_builder_run (BhSnapshot          *snapshot,
                const BhDefinition  *definition,
                BhProgressFunc       progress,
                gpointer             progress_data,
                GCancellable        *cancellable,
                GError             **error)
{
  g_autoptr(BhBuild) build = NULL;
  g_autoptr(BhBuildResult) result = NULL;
  g_autoptr(GArray) ranked = NULL;
  g_autofree guint32 *customers = NULL;
  g_autofree guint *assignment = NULL;
  guint n_clusters = 0;
  gint64 started = g_get_monotonic_time ();

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (definition != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  report (progress, progress_data, 0.0, "Preparing");
  if (!(build = _bh_build_new (snapshot, definition, cancellable, error)))
    return NULL;

  report (progress, progress_data, 0.1, _("Finding interested customers"));
  if (!_bh_build_select (build, error))
    return NULL;

  report (progress, progress_data, 0.4, _("Ranking members"));
  ranked = g_array_sized_new (FALSE, FALSE, sizeof (Ranked), build->n_members);
  for (guint32 c = 0; c < snapshot->n_customers; c++)
    if (build->status[c] == BH_STATUS_MEMBER)
      {
        Ranked r = { c, build->score[c],
                     build->listed && (build->listed[c] & BH_LISTED_INCLUDE) };

        g_array_append_val (ranked, r);
      }

  if (definition->max_customers > 0 && ranked->len > definition->max_customers)
    {
      g_array_sort (ranked, compare_ranked);
      build->counts[BH_REASON_MAX_CUSTOMERS] = ranked->len - definition->max_customers;
      g_array_set_size (ranked, definition->max_customers);
    }

  /* Members are listed best score first, included or not. */
  for (guint i = 0; i < ranked->len; i++)
    g_array_index (ranked, Ranked, i).included = FALSE;
  g_array_sort (ranked, compare_ranked);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  report (progress, progress_data, 0.5, _("Forming taste clusters"));
  customers = g_new (guint32, ranked->len + 1);
  assignment = g_new0 (guint, ranked->len + 1);
  for (guint i = 0; i < ranked->len; i++)
    customers[i] = g_array_index (ranked, Ranked, i).customer;

  n_clusters = _bh_cluster_members (snapshot, build->profiles, build->chosen, build->n_chosen,
                                    customers, ranked->len, definition->clusters,
                                    assignment, cancellable);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  report (progress, progress_data, 0.8, _("Describing the clusters"));
  result = g_new0 (BhBuildResult, 1);
  result->clusters = _bh_describe_clusters (snapshot, build->profiles, build->cutoff,
                                            build->chosen, build->n_chosen,
                                            customers, assignment, ranked->len, n_clusters);

  report (progress, progress_data, 0.9, _("Explaining each member's interest"));
  result->members = g_array_sized_new (FALSE, FALSE, sizeof (BhBuildMember), ranked->len);
  g_array_set_clear_func (result->members, clear_member);
  for (guint i = 0; i < ranked->len; i++)
    {
      const Ranked *r = &g_array_index (ranked, Ranked, i);
      BhBuildMember member = { r->customer, r->score, assignment[i], NULL };

      member.why = dup_why (build, r->customer);
      g_array_append_val (result->members, member);
    }

  result->exclusions = make_exclusions (build->counts);
  result->considered = snapshot->n_customers;
  result->matched_ids = build->matched_ids;
  g_ptr_array_add (build->unmatched_ids, NULL);
  result->unmatched_ids = (GStrv)g_ptr_array_free (g_steal_pointer (&build->unmatched_ids),
                                                   FALSE);

  report (progress, progress_data, 1.0, NULL);

  g_debug ("Built a package of %u members in %u clusters from %u events in %.0f ms",
           result->members->len, n_clusters, build->n_chosen,
           (g_get_monotonic_time () - started) / 1000.0);

  return g_steal_pointer (&result);
}

/**
 * bh_builder_estimate:
 * @snapshot: the data
 * @definition: what would be built
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * How many members bh_builder_run() would give, without clusters.
 *
 * Returns: the member count; 0 with @error set on failure
 */
guint
bh_builder_estimate (BhSnapshot          *snapshot,
                     const BhDefinition  *definition,
                     GCancellable        *cancellable,
                     GError             **error)
{
  g_autoptr(BhBuild) build = NULL;

  g_return_val_if_fail (snapshot != NULL, 0);
  g_return_val_if_fail (definition != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!(build = _bh_build_new (snapshot, definition, cancellable, error)) ||
      !_bh_build_select (build, error))
    return 0;

  if (definition->max_customers > 0)
    return MIN (build->n_members, definition->max_customers);

  return build->n_members;
}

/**
 * bh_builder_describe_clusters:
 * @snapshot: the data
 * @definition: the package's definition
 * @members: the members that remain, each with its cluster
 * @n_members: how many
 * @n_clusters: how many clusters the package has
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type BhCluster): the clusters, or
 *   %NULL with @error set
 */
GPtrArray *
bh_builder_describe_clusters (BhSnapshot          *snapshot,
                              const BhDefinition  *definition,
                              const BhBuildMember *members,
                              guint                n_members,
                              guint                n_clusters,
                              GError             **error)
{
  g_autoptr(BhBuild) build = NULL;
  g_autofree guint32 *customers = NULL;
  g_autofree guint *assignment = NULL;

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (definition != NULL, NULL);
  g_return_val_if_fail (members != NULL || n_members == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(build = _bh_build_new (snapshot, definition, NULL, error)))
    return NULL;

  customers = g_new (guint32, n_members + 1);
  assignment = g_new (guint, n_members + 1);
  for (guint i = 0; i < n_members; i++)
    {
      if (members[i].customer >= snapshot->n_customers || members[i].cluster >= n_clusters)
        {
          g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                       _("Member %u has no customer or cluster in this data"), i);
          return NULL;
        }

      customers[i] = members[i].customer;
      assignment[i] = members[i].cluster;
    }

  return _bh_describe_clusters (snapshot, build->profiles, build->cutoff,
                                build->chosen, build->n_chosen,
                                customers, assignment, n_members, n_clusters);
}
