/* bh-clustering.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-clustering"

#include "config.h"

#include <math.h>
#include <string.h>

#include "bh-builder-private.h"

/*
 * Taste clusters: spherical k-means over the members' interest vectors.
 *
 * A member's vector has two parts. The first holds the member's interest
 * in each chosen event: which of the events they are for. The second has
 * one entry per aspect of the chosen events, the aspect's weight in the
 * member's profile times its weight in the chosen events (summed over
 * them): why they are interested. Each part is scaled to length 1, then
 * weighted so that the events count three quarters (EVENT_SHARE) and the
 * aspects one quarter, and the whole has length 1. On the demo venue the
 * aspects alone split a taste by the director or singer a member happens
 * to know rather than by taste; with the events leading, a package of
 * three tastes falls into those three. In a one-event package the first
 * part is the same for everyone and the aspects decide. Members whose
 * vector is zero (included without any interest) join the largest
 * cluster afterwards.
 *
 * The number of clusters, when automatic, is the one from 2 to 8 with
 * the best mean silhouette (cosine distance) on a sample of at most
 * SAMPLE_SIZE members. Each k is tried from RESTARTS k-means++ starts
 * with fixed seeds, keeping the tightest; the sample is every n-th
 * member; so the same members give the same clusters. Clusters are
 * numbered by size, largest first.
 *
 * For unit vectors the mean cosine distance from x to a cluster C is
 * 1 - x · (sum of C) / |C|, so the silhouette costs n × k × d, not n².
 */

#define SAMPLE_SIZE    2000
#define MAX_ITERATIONS 20
#define FINAL_ITERATIONS 5
#define MAX_CLUSTERS   8
#define KMEANS_SEED    20261203
#define RESTARTS       4
#define EVENT_SHARE    0.75

#define MAX_TOPICS     5
#define MIN_TOPICS     3
#define MAX_LEAD_DAYS  730

typedef struct
{
  guint   n;
  guint   d;
  float  *x;      /* n × d */
  guint8 *valid;  /* the row is not zero */
} Points;

static int
compare_guint32 (gconstpointer a,
                 gconstpointer b)
{
  guint32 x = *(const guint32 *)a;
  guint32 y = *(const guint32 *)b;

  return x < y ? -1 : x > y;
}

/* The aspects of the chosen events, ascending, each once, with the sum
 * of their weights over the chosen events. */
static GArray *
union_aspects (BhSnapshot     *snapshot,
               const guint32  *chosen,
               guint           n_chosen,
               double        **weight_out)
{
  GArray *aspects = g_array_new (FALSE, FALSE, sizeof (guint32));
  double *weight;
  guint n = 0;

  for (guint j = 0; j < n_chosen; j++)
    for (guint32 k = snapshot->event_aspect_start[chosen[j]];
         k < snapshot->event_aspect_start[chosen[j] + 1];
         k++)
      g_array_append_val (aspects, snapshot->event_aspect[k]);

  g_array_sort (aspects, compare_guint32);
  for (guint i = 0; i < aspects->len; i++)
    if (n == 0 || g_array_index (aspects, guint32, n - 1) != g_array_index (aspects, guint32, i))
      g_array_index (aspects, guint32, n++) = g_array_index (aspects, guint32, i);
  g_array_set_size (aspects, n);

  weight = g_new0 (double, n + 1);
  for (guint j = 0; j < n_chosen; j++)
    for (guint32 k = snapshot->event_aspect_start[chosen[j]];
         k < snapshot->event_aspect_start[chosen[j] + 1];
         k++)
      {
        guint32 a = snapshot->event_aspect[k];
        guint32 *slot = bsearch (&a, aspects->data, n, sizeof (guint32), compare_guint32);

        weight[slot - (guint32 *)(gpointer)aspects->data] += snapshot->event_aspect_weight[k];
      }

  *weight_out = weight;

  return aspects;
}

/* Walks a profile row and the sorted aspect list together. */
static void
profile_restricted (BhProfiles    *profiles,
                    guint32        customer,
                    const guint32 *aspects,
                    guint          d,
                    double        *out)
{
  guint64 k = profiles->row_start[customer];
  guint64 end = profiles->row_start[customer + 1];
  guint i = 0;

  memset (out, 0, sizeof (double) * d);
  while (k < end && i < d)
    {
      if (profiles->row_aspect[k] == aspects[i])
        out[i++] = profiles->row_weight[k++];
      else if (profiles->row_aspect[k] < aspects[i])
        k++;
      else
        i++;
    }
}

/* See the top of the file: the shape over the events, then over the
 * aspects, each of length 1, weighted EVENT_SHARE and 1 - EVENT_SHARE. */
static void
make_points (Points        *points,
             BhSnapshot    *snapshot,
             const guint32 *chosen,
             guint          n_chosen,
             BhProfiles    *profiles,
             const guint32 *aspects,
             const double  *weight,
             guint          d,
             const guint32 *customers,
             guint          n)
{
  g_autofree double *row = g_new (double, d + 1);
  g_autofree double *interest = g_new (double, n_chosen + 1);
  g_autofree double *per_event = g_new0 (double, (gsize)n_chosen * d + 1);
  guint dims = n_chosen + d;

  g_assert (d > 0);

  for (guint j = 0; j < n_chosen; j++)
    for (guint32 k = snapshot->event_aspect_start[chosen[j]];
         k < snapshot->event_aspect_start[chosen[j] + 1];
         k++)
      {
        guint32 a = snapshot->event_aspect[k];
        const guint32 *slot = bsearch (&a, aspects, d, sizeof (guint32), compare_guint32);

        per_event[(gsize)j * d + (slot - aspects)] = snapshot->event_aspect_weight[k];
      }

  points->n = n;
  points->d = dims;
  points->x = g_new0 (float, (gsize)n * dims + 1);
  points->valid = g_new0 (guint8, n + 1);

  for (guint m = 0; m < n; m++)
    {
      float *x = points->x + (gsize)m * dims;
      double aspect_norm = 0, event_norm = 0;

      profile_restricted (profiles, customers[m], aspects, d, row);

      for (guint j = 0; j < n_chosen; j++)
        {
          interest[j] = 0;
          for (guint i = 0; i < d; i++)
            interest[j] += row[i] * per_event[(gsize)j * d + i];
          event_norm += interest[j] * interest[j];
        }

      for (guint i = 0; i < d; i++)
        {
          row[i] *= weight[i];
          aspect_norm += row[i] * row[i];
        }

      if (aspect_norm <= 0 || event_norm <= 0)
        continue;

      event_norm = sqrt (event_norm) / sqrt (EVENT_SHARE);
      aspect_norm = sqrt (aspect_norm) / sqrt (1 - EVENT_SHARE);
      for (guint j = 0; j < n_chosen; j++)
        x[j] = (float)(interest[j] / event_norm);
      for (guint i = 0; i < d; i++)
        x[n_chosen + i] = (float)(row[i] / aspect_norm);
      points->valid[m] = TRUE;
    }
}

static double
dot (const float *a,
     const float *b,
     guint        d)
{
  double sum = 0;

  for (guint i = 0; i < d; i++)
    sum += (double)a[i] * b[i];

  return sum;
}

typedef struct
{
  const Points  *points;
  const guint32 *rows;
  guint          n_rows;
  const float   *centroids;
  guint          k;
  guint         *assignment;   /* by position in rows */
  guint          changed[4];
} AssignData;

static void
assign_part (guint    part,
             guint    n_parts,
             gpointer data)
{
  AssignData *assign = data;
  guint from = _bh_part_start (assign->n_rows, part, n_parts);
  guint to = _bh_part_start (assign->n_rows, part + 1, n_parts);
  guint d = assign->points->d;

  assign->changed[part] = 0;
  for (guint r = from; r < to; r++)
    {
      const float *x = assign->points->x + (gsize)assign->rows[r] * d;
      double best = -2;
      guint best_k = 0;

      for (guint c = 0; c < assign->k; c++)
        {
          double s = dot (x, assign->centroids + (gsize)c * d, d);

          if (s > best)
            {
              best = s;
              best_k = c;
            }
        }

      if (assign->assignment[r] != best_k)
        {
          assign->assignment[r] = best_k;
          assign->changed[part]++;
        }
    }
}

static guint
assign_all (AssignData *assign)
{
  guint n_parts = assign->n_rows >= 20000 ? _bh_parallel_parts () : 1;
  guint changed = 0;

  g_assert (n_parts <= G_N_ELEMENTS (assign->changed));

  _bh_parallel_run (n_parts, assign_part, assign);
  for (guint p = 0; p < n_parts; p++)
    changed += assign->changed[p];

  return changed;
}

/* k-means++: each next centre drawn with probability proportional to
 * the squared cosine distance to the nearest centre so far. Returns how
 * many centres it found, fewer than @k if the points run out. */
static guint
seed_centroids (const Points  *points,
                const guint32 *rows,
                guint          n_rows,
                guint          k,
                guint32        seed,
                float         *centroids)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree double *nearest = g_new (double, n_rows + 1);
  guint d = points->d;
  guint found = 1;
  guint first;

  first = g_rand_int_range (rand, 0, (gint32)n_rows);
  memcpy (centroids, points->x + (gsize)rows[first] * d, sizeof (float) * d);

  for (guint r = 0; r < n_rows; r++)
    nearest[r] = MAX (0.0, 1.0 - dot (points->x + (gsize)rows[r] * d, centroids, d));

  while (found < k)
    {
      double total = 0, pick, running = 0;
      guint chosen = n_rows - 1;

      for (guint r = 0; r < n_rows; r++)
        total += nearest[r] * nearest[r];

      if (total <= 1e-12)
        break;

      pick = g_rand_double (rand) * total;
      for (guint r = 0; r < n_rows; r++)
        {
          running += nearest[r] * nearest[r];
          if (running >= pick && nearest[r] > 0)
            {
              chosen = r;
              break;
            }
        }

      memcpy (centroids + (gsize)found * d, points->x + (gsize)rows[chosen] * d,
              sizeof (float) * d);
      for (guint r = 0; r < n_rows; r++)
        {
          double distance = MAX (0.0, 1.0 - dot (points->x + (gsize)rows[r] * d,
                                                 centroids + (gsize)found * d, d));

          nearest[r] = MIN (nearest[r], distance);
        }
      found++;
    }

  return found;
}

/* Lloyd iterations from the centres given, at most @max_iterations. */
static void
run_kmeans (const Points  *points,
            const guint32 *rows,
            guint          n_rows,
            guint          k,
            guint          max_iterations,
            float         *centroids,
            guint         *assignment,
            GCancellable  *cancellable)
{
  g_autofree double *sums = g_new (double, (gsize)k * points->d + 1);
  g_autofree guint *counts = g_new (guint, k + 1);
  AssignData assign = {
    .points = points,
    .rows = rows,
    .n_rows = n_rows,
    .centroids = centroids,
    .k = k,
    .assignment = assignment,
  };
  guint d = points->d;

  for (guint r = 0; r < n_rows; r++)
    assignment[r] = G_MAXUINT;

  for (guint iteration = 0; iteration < max_iterations; iteration++)
    {
      if (assign_all (&assign) == 0 || g_cancellable_is_cancelled (cancellable))
        break;

      memset (sums, 0, sizeof (double) * k * d);
      memset (counts, 0, sizeof (guint) * k);
      for (guint r = 0; r < n_rows; r++)
        {
          const float *x = points->x + (gsize)rows[r] * d;
          double *sum = sums + (gsize)assignment[r] * d;

          counts[assignment[r]]++;
          for (guint i = 0; i < d; i++)
            sum[i] += x[i];
        }

      for (guint c = 0; c < k; c++)
        {
          double norm = 0;

          for (guint i = 0; i < d; i++)
            norm += sums[(gsize)c * d + i] * sums[(gsize)c * d + i];
          norm = sqrt (norm);

          /* An empty cluster keeps its centre; k-means++ makes that rare. */
          if (counts[c] == 0 || norm <= 0)
            continue;

          for (guint i = 0; i < d; i++)
            centroids[(gsize)c * d + i] = (float)(sums[(gsize)c * d + i] / norm);
        }
    }
}

/* k-means from several k-means++ starts, keeping the tightest result
 * (the largest sum of cosines to the centres). Returns the number of
 * centres, fewer than @k if the points do not have that many. */
static guint
best_kmeans (const Points  *points,
             const guint32 *rows,
             guint          n_rows,
             guint          k,
             float         *centroids,
             guint         *assignment,
             GCancellable  *cancellable)
{
  g_autofree float *trial = g_new (float, (gsize)k * points->d + 1);
  g_autofree guint *trial_assignment = g_new (guint, n_rows + 1);
  double best = -G_MAXDOUBLE;
  guint best_k = 0;

  for (guint restart = 0; restart < RESTARTS; restart++)
    {
      guint got = seed_centroids (points, rows, n_rows, k, KMEANS_SEED + restart, trial);
      double tightness = 0;

      run_kmeans (points, rows, n_rows, got, MAX_ITERATIONS, trial, trial_assignment,
                  cancellable);
      for (guint r = 0; r < n_rows; r++)
        tightness += dot (points->x + (gsize)rows[r] * points->d,
                          trial + (gsize)trial_assignment[r] * points->d, points->d);

      if (got > best_k || (got == best_k && tightness > best + 1e-9))
        {
          best = tightness;
          best_k = got;
          memcpy (centroids, trial, sizeof (float) * got * points->d);
          memcpy (assignment, trial_assignment, sizeof (guint) * n_rows);
        }

      if (g_cancellable_is_cancelled (cancellable))
        break;
    }

  return best_k;
}

static double
silhouette (const Points  *points,
            const guint32 *rows,
            guint          n_rows,
            guint          k,
            const guint   *assignment)
{
  g_autofree double *sums = g_new0 (double, (gsize)k * points->d + 1);
  g_autofree guint *counts = g_new0 (guint, k + 1);
  guint d = points->d;
  double total = 0;

  for (guint r = 0; r < n_rows; r++)
    {
      const float *x = points->x + (gsize)rows[r] * d;

      counts[assignment[r]]++;
      for (guint i = 0; i < d; i++)
        sums[(gsize)assignment[r] * d + i] += x[i];
    }

  for (guint r = 0; r < n_rows; r++)
    {
      const float *x = points->x + (gsize)rows[r] * d;
      guint own = assignment[r];
      double a, b = G_MAXDOUBLE;

      if (counts[own] <= 1)
        continue;

      a = 0;
      for (guint i = 0; i < d; i++)
        a += x[i] * sums[(gsize)own * d + i];
      a = (counts[own] - a) / (counts[own] - 1);

      for (guint c = 0; c < k; c++)
        {
          double s = 0;

          if (c == own || counts[c] == 0)
            continue;

          for (guint i = 0; i < d; i++)
            s += x[i] * sums[(gsize)c * d + i];
          b = MIN (b, 1 - s / counts[c]);
        }

      if (b == G_MAXDOUBLE || MAX (a, b) <= 0)
        continue;

      total += (b - a) / MAX (a, b);
    }

  return n_rows > 0 ? total / n_rows : 0;
}

typedef struct
{
  guint index;
  guint count;
  guint first;
} ClusterOrder;

static int
compare_order (gconstpointer a,
               gconstpointer b)
{
  const ClusterOrder *oa = a;
  const ClusterOrder *ob = b;

  if (oa->count != ob->count)
    return oa->count > ob->count ? -1 : 1;

  return oa->first < ob->first ? -1 : oa->first > ob->first;
}

/**
 * _bh_cluster_members:
 * @requested: 0 for automatic, else the number of clusters wanted
 * @assignment: (out): for each member, its cluster
 *
 * Returns: the number of clusters, 0 only without members
 */
guint
_bh_cluster_members (BhSnapshot    *snapshot,
                     BhProfiles    *profiles,
                     const guint32 *chosen,
                     guint          n_chosen,
                     const guint32 *customers,
                     guint          n_customers,
                     guint          requested,
                     guint         *assignment,
                     GCancellable  *cancellable)
{
  g_autoptr(GArray) aspects = NULL;
  g_autofree double *weight = NULL;
  g_autofree guint32 *rows = NULL;
  g_autofree guint32 *sample = NULL;
  g_autofree guint *sample_assignment = NULL;
  g_autofree float *centroids = NULL;
  g_autofree float *best_centroids = NULL;
  g_autofree guint *renumber = NULL;
  g_autofree ClusterOrder *order = NULL;
  Points points = { 0 };
  guint n_rows = 0, n_sample, d, k = 0;
  double best_score = -2;

  if (n_customers == 0)
    return 0;

  aspects = union_aspects (snapshot, chosen, n_chosen, &weight);
  /* Events without aspects give nobody an interest: one cluster. */
  if (aspects->len == 0)
    {
      memset (assignment, 0, sizeof (guint) * n_customers);
      return 1;
    }

  make_points (&points, snapshot, chosen, n_chosen, profiles,
               (const guint32 *)(gpointer)aspects->data, weight, aspects->len,
               customers, n_customers);
  d = points.d;

  rows = g_new (guint32, n_customers + 1);
  for (guint m = 0; m < n_customers; m++)
    if (points.valid[m])
      rows[n_rows++] = m;

  if (n_rows == 0)
    {
      memset (assignment, 0, sizeof (guint) * n_customers);
      g_free (points.x);
      g_free (points.valid);
      return 1;
    }

  /* every n-th member, so that the sample does not depend on chance */
  n_sample = MIN (n_rows, SAMPLE_SIZE);
  sample = g_new (guint32, n_sample + 1);
  for (guint i = 0; i < n_sample; i++)
    sample[i] = rows[(guint)((guint64)i * n_rows / n_sample)];
  sample_assignment = g_new (guint, n_sample + 1);

  centroids = g_new (float, (gsize)MAX_CLUSTERS * d + 1);
  best_centroids = g_new (float, (gsize)MAX_CLUSTERS * d + 1);

  if (requested >= 2)
    {
      k = best_kmeans (&points, sample, n_sample, MIN (requested, MAX_CLUSTERS),
                       best_centroids, sample_assignment, cancellable);
    }
  else
    {
      for (guint want = 2; want <= MAX_CLUSTERS; want++)
        {
          guint got = best_kmeans (&points, sample, n_sample, want, centroids,
                                   sample_assignment, cancellable);
          double score;

          if (got < want || g_cancellable_is_cancelled (cancellable))
            break;

          score = silhouette (&points, sample, n_sample, got, sample_assignment);
          g_debug ("%u clusters: silhouette %.3f", got, score);

          /* a larger k must do clearly better to be taken */
          if (score > best_score + 1e-3)
            {
              best_score = score;
              k = got;
              memcpy (best_centroids, centroids, sizeof (float) * got * d);
            }
        }

      /* Fewer than two distinct points: one cluster. */
      if (k == 0)
        k = seed_centroids (&points, sample, n_sample, 1, KMEANS_SEED, best_centroids);
    }

  /* The whole membership, from the sample's centres. */
  {
    g_autofree guint *row_assignment = g_new (guint, n_rows + 1);

    /* The sample's centres are close already: a few rounds settle
     * the rest, and keep a list of a million members fast. */
    run_kmeans (&points, rows, n_rows, k, FINAL_ITERATIONS, best_centroids, row_assignment,
                cancellable);

    order = g_new0 (ClusterOrder, k);
    for (guint c = 0; c < k; c++)
      order[c] = (ClusterOrder) { c, 0, G_MAXUINT };
    for (guint r = 0; r < n_rows; r++)
      {
        order[row_assignment[r]].count++;
        order[row_assignment[r]].first = MIN (order[row_assignment[r]].first, r);
      }
    qsort (order, k, sizeof (ClusterOrder), compare_order);

    /* Drop clusters that ended up empty. */
    while (k > 1 && order[k - 1].count == 0)
      k--;

    renumber = g_new0 (guint, MAX_CLUSTERS + 1);
    for (guint c = 0; c < k; c++)
      renumber[order[c].index] = c;

    memset (assignment, 0, sizeof (guint) * n_customers);
    for (guint r = 0; r < n_rows; r++)
      assignment[rows[r]] = renumber[row_assignment[r]];
  }

  g_free (points.x);
  g_free (points.valid);

  return k;
}

/* Figures */

typedef struct
{
  GArray  *order_values;          /* of double, euros */
  double   paid;                  /* euros */
  gint64   tickets;
  guint64  lead_days[MAX_LEAD_DAYS + 1];
  guint64  lead_total;
  double   yearly_visits;
  guint    with_sales;
  guint64  weekdays[8];
  guint64 *categories;
} Figures;

typedef struct
{
  guint64 key;
  double  value;
  gboolean priced;
} Order;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return x < y ? -1 : x > y;
}

/* A key whose unsigned order is the order of the (finite) doubles. */
static inline guint64
double_key (double value)
{
  guint64 bits;

  memcpy (&bits, &value, sizeof bits);

  return bits >> 63 ? ~bits : bits | (G_GUINT64_CONSTANT (1) << 63);
}

#define RADIX_BITS 11
#define RADIX_SIZE (1 << RADIX_BITS)

/* Order values are mostly prices times quantities: a cluster's million
 * of them hold some ten thousand different ones. The hash table has
 * up to 2^DISTINCT_BITS slots, at least twice as many as values. */
#define DISTINCT_BITS 17

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  guint64 x = *(const guint64 *)a;
  guint64 y = *(const guint64 *)b;

  return x < y ? -1 : x > y;
}

static inline gsize
key_slot (guint64 key,
          guint   bits)
{
  return (gsize)((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - bits));
}

/* Sorts @values by counting each different value (by its bits) in a
 * small hash table, sorting those and writing each as often as it
 * came: the same array a sort gives, for a fraction of the memory
 * traffic. Gives up, leaving @values as they were, if more than half
 * the slots would fill. */
static gboolean
sort_by_counting (double *values,
                  gsize   n)
{
  guint bits = 4;
  gsize mask, most;
  g_autofree guint64 *slot_key = NULL;
  g_autofree gsize *slot_count = NULL;
  g_autofree guint64 *distinct = NULL;
  guint n_distinct = 0;
  gsize at = 0;

  while (bits < DISTINCT_BITS && ((gsize)1 << (bits - 1)) < n)
    bits++;
  mask = ((gsize)1 << bits) - 1;
  most = (mask + 1) / 2;
  slot_key = g_new (guint64, mask + 1);
  slot_count = g_new0 (gsize, mask + 1);
  distinct = g_new (guint64, most);

  for (gsize i = 0; i < n; i++)
    {
      guint64 key = double_key (values[i]);
      gsize h = key_slot (key, bits);

      while (slot_count[h] != 0 && slot_key[h] != key)
        h = (h + 1) & mask;

      if (slot_count[h] == 0)
        {
          if (n_distinct == most)
            return FALSE;
          slot_key[h] = key;
          distinct[n_distinct++] = key;
        }
      slot_count[h]++;
    }

  qsort (distinct, n_distinct, sizeof (guint64), compare_keys);
  for (guint d = 0; d < n_distinct; d++)
    {
      guint64 key = distinct[d];
      guint64 pattern = key >> 63 ? key & ~(G_GUINT64_CONSTANT (1) << 63) : ~key;
      gsize h = key_slot (key, bits);
      double value;

      while (slot_key[h] != key)
        h = (h + 1) & mask;

      memcpy (&value, &pattern, sizeof value);
      for (gsize c = 0; c < slot_count[h]; c++)
        values[at++] = value;
    }
  g_assert (at == n);

  return TRUE;
}

/* Sorts @values ascending in linear time: a cluster's order values run
 * into the millions, where a comparison sort took most of the time.
 * Counting the different values does when there are few of them; else a
 * least significant digit radix sort over the keys, RADIX_BITS a pass
 * (few enough buckets to stay in the cache), skipping the passes in
 * which every key has the same digit. */
void
_bh_sort_doubles (double *values,
                  gsize   n)
{
  g_autofree guint64 *keys = NULL;
  g_autofree guint64 *spare = NULL;
  g_autofree gsize *counts = NULL;
  guint64 *from, *to;

  if (n < 4096)
    {
      qsort (values, n, sizeof (double), compare_doubles);
      return;
    }

  if (sort_by_counting (values, n))
    return;

  keys = g_new (guint64, n);
  spare = g_new (guint64, n);
  counts = g_new (gsize, RADIX_SIZE);
  for (gsize i = 0; i < n; i++)
    keys[i] = double_key (values[i]);

  from = keys;
  to = spare;
  for (guint shift = 0; shift < 64; shift += RADIX_BITS)
    {
      gsize position = 0;
      guint first = (from[0] >> shift) & (RADIX_SIZE - 1);
      gboolean same = TRUE;

      memset (counts, 0, sizeof (gsize) * RADIX_SIZE);
      for (gsize i = 0; i < n; i++)
        {
          guint digit = (from[i] >> shift) & (RADIX_SIZE - 1);

          counts[digit]++;
          same &= digit == first;
        }
      if (same)
        continue;

      for (guint digit = 0; digit < RADIX_SIZE; digit++)
        {
          gsize count = counts[digit];

          counts[digit] = position;
          position += count;
        }
      for (gsize i = 0; i < n; i++)
        to[counts[(from[i] >> shift) & (RADIX_SIZE - 1)]++] = from[i];

      {
        guint64 *swap = from;

        from = to;
        to = swap;
      }
    }

  for (gsize i = 0; i < n; i++)
    {
      guint64 bits = from[i] >> 63 ? from[i] & ~(G_GUINT64_CONSTANT (1) << 63) : ~from[i];

      memcpy (&values[i], &bits, sizeof bits);
    }
}

/* The orders of one customer: their lines grouped by key with a small
 * hash table, the value of each order summed in the lines' sequence.
 * The orders come out in the sequence of their first lines; a cluster's
 * order values are sorted before they are used, so that is enough (a
 * sort of every customer's lines took much of a merge's time). Slots
 * of an earlier customer are told apart by their generation. */
typedef struct
{
  guint64 key;
  guint32 generation;
  guint32 order;
} Slot;

typedef struct
{
  Slot    *slots;
  guint    mask;
  guint32  generation;
  GArray  *orders;      /* of Order, the sums */
} Grouping;

static void
group_orders (Grouping *grouping,
              GArray   *lines)
{
  const Order *line = (const Order *)(gpointer)lines->data;
  Order *orders;
  guint n_orders = 0;

  if (lines->len * 2 > grouping->mask + 1)
    {
      guint size = grouping->mask + 1;

      while (lines->len * 2 > size)
        size *= 2;
      g_free (grouping->slots);
      grouping->slots = g_new0 (Slot, size);
      grouping->mask = size - 1;
      grouping->generation = 0;
    }

  if (++grouping->generation == 0)
    {
      memset (grouping->slots, 0, sizeof (Slot) * (grouping->mask + 1));
      grouping->generation = 1;
    }

  /* At most a line an order: the array is sized once and cut after. */
  g_array_set_size (grouping->orders, lines->len);
  orders = (Order *)(gpointer)grouping->orders->data;
  for (guint i = 0; i < lines->len; i++)
    {
      guint h = (guint)((line[i].key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 32);
      Order *order;
      Slot *slot;

      for (slot = &grouping->slots[h & grouping->mask];
           slot->generation == grouping->generation && slot->key != line[i].key;
           slot = &grouping->slots[++h & grouping->mask])
        ;

      if (slot->generation != grouping->generation)
        {
          slot->key = line[i].key;
          slot->generation = grouping->generation;
          slot->order = n_orders;
          orders[n_orders++] = (Order) { line[i].key, 0, FALSE };
        }

      order = &orders[slot->order];
      order->priced |= line[i].priced;
      order->value += line[i].value;
    }
  g_array_set_size (grouping->orders, n_orders);
}

static void
add_member_figures (BhSnapshot *snapshot,
                    gint64      cutoff,
                    guint32     customer,
                    Figures    *figures,
                    GArray     *orders,
                    Grouping   *grouping,
                    guint32    *stamp)
{
  gint64 first = G_MAXINT64;
  guint visits = 0;
  Order *lines;
  guint n_lines = 0;

  /* Written in place, not appended: this runs for every sale line. */
  g_array_set_size (orders, snapshot->sale_start[customer + 1] - snapshot->sale_start[customer]);
  lines = (Order *)(gpointer)orders->data;

  for (guint64 s = snapshot->sale_start[customer]; s < snapshot->sale_start[customer + 1]; s++)
    {
      const BhSale *sale = &snapshot->sales[s];
      Order order;
      gint64 lead;

      if (!_bh_sale_before (sale, cutoff))
        continue;

      first = MIN (first, (gint64)sale->purchased);
      if (stamp[sale->event] != customer + 1)
        {
          stamp[sale->event] = customer + 1;
          visits++;
        }

      /* Without an invoice number, what was bought at once is an order. */
      order.key = sale->invoice ? (G_GUINT64_CONSTANT (1) << 32) | sale->invoice
                                : sale->purchased;
      order.priced = sale->price != BH_PRICE_UNKNOWN;
      order.value = order.priced ? sale->price / 100.0 * sale->quantity : 0;
      lines[n_lines++] = order;

      if (order.priced)
        {
          figures->paid += order.value;
          figures->tickets += sale->quantity;
        }

      lead = (snapshot->event_midnight[sale->event] - (gint64)sale->purchased) / 86400 + 1;
      if (snapshot->event_midnight[sale->event] < (gint64)sale->purchased)
        lead = 0;
      figures->lead_days[CLAMP (lead, 0, MAX_LEAD_DAYS)]++;
      figures->lead_total++;

      figures->weekdays[snapshot->event_weekday[sale->event]]++;
      if (sale->category < snapshot->category_name->len)
        figures->categories[sale->category] += sale->quantity;
    }

  g_array_set_size (orders, n_lines);

  if (visits == 0)
    return;

  figures->with_sales++;
  figures->yearly_visits += visits / MAX (1.0, (cutoff - first) / (365.25 * 86400));

  group_orders (grouping, orders);
  {
    guint had = figures->order_values->len;
    guint n_values = 0;
    double *values;

    g_array_set_size (figures->order_values, had + grouping->orders->len);
    values = (double *)(gpointer)figures->order_values->data + had;
    for (guint i = 0; i < grouping->orders->len; i++)
      {
        const Order *order = &g_array_index (grouping->orders, Order, i);

        if (order->priced)
          values[n_values++] = order->value;
      }
    g_array_set_size (figures->order_values, had + n_values);
  }
}

static double
lead_position (const Figures *figures,
               guint64        position)
{
  guint64 seen = 0;

  for (guint days = 0; days <= MAX_LEAD_DAYS; days++)
    {
      seen += figures->lead_days[days];
      if (seen > position)
        return days;
    }

  return MAX_LEAD_DAYS;
}

static void
finish_figures (BhSnapshot       *snapshot,
                Figures          *figures,
                BhClusterFigures *out)
{
  GArray *values = figures->order_values;
  guint64 best = 0;

  out->avg_order_value = NAN;
  out->median_order_value = NAN;
  if (values->len > 0)
    {
      double sum = 0;

      _bh_sort_doubles ((double *)(gpointer)values->data, values->len);
      for (guint i = 0; i < values->len; i++)
        sum += g_array_index (values, double, i);
      out->avg_order_value = sum / values->len;
      out->median_order_value = values->len % 2
        ? g_array_index (values, double, values->len / 2)
        : (g_array_index (values, double, values->len / 2 - 1) +
           g_array_index (values, double, values->len / 2)) / 2;
    }

  out->avg_ticket_value = figures->tickets > 0 ? figures->paid / figures->tickets : NAN;
  /* The snapshot's prices are all in it (see choose_currency()). */
  out->currency = (char *)_bh_snapshot_currency (snapshot);

  out->median_days_in_advance = NAN;
  if (figures->lead_total > 0)
    out->median_days_in_advance =
      figures->lead_total % 2
      ? lead_position (figures, figures->lead_total / 2)
      : (lead_position (figures, figures->lead_total / 2 - 1) +
         lead_position (figures, figures->lead_total / 2)) / 2;

  out->avg_yearly_visits = figures->with_sales > 0
                           ? figures->yearly_visits / figures->with_sales
                           : NAN;

  out->preferred_weekday = 0;
  for (guint day = 1; day <= 7; day++)
    if (figures->weekdays[day] > best)
      {
        best = figures->weekdays[day];
        out->preferred_weekday = day;
      }

  best = 0;
  out->preferred_category = NULL;
  for (guint c = 0; c < snapshot->category_name->len; c++)
    if (figures->categories[c] > best)
      {
        best = figures->categories[c];
        out->preferred_category = g_ptr_array_index (snapshot->category_name, c);
      }
}

/* Topics */

typedef struct
{
  guint32 aspect;
  double  lift;
  double  rank;
} Candidate;

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *ca = a;
  const Candidate *cb = b;
  gboolean over_a = ca->lift > 1 + 1e-9;
  gboolean over_b = cb->lift > 1 + 1e-9;

  if (over_a != over_b)
    return over_a ? -1 : 1;
  if (ca->rank != cb->rank)
    return ca->rank > cb->rank ? -1 : 1;

  return ca->aspect < cb->aspect ? -1 : ca->aspect > cb->aspect;
}

static void
add_topics (BhSnapshot    *snapshot,
            BhCluster     *cluster,
            const guint32 *aspects,
            guint          d,
            const double  *mean,
            const double  *overall)
{
  g_autofree Candidate *candidates = g_new (Candidate, d + 1);
  guint n = 0, over = 0, take;

  for (guint i = 0; i < d; i++)
    {
      double lift;

      if (mean[i] <= 0 || overall[i] <= 0)
        continue;

      lift = mean[i] / overall[i];
      candidates[n++] = (Candidate) { aspects[i], lift, mean[i] * lift };
      over += lift > 1 + 1e-9;
    }

  qsort (candidates, n, sizeof (Candidate), compare_candidates);
  take = MIN (n, CLAMP (over, MIN_TOPICS, MAX_TOPICS));
  for (guint i = 0; i < take; i++)
    bh_cluster_add_topic (cluster,
                          g_ptr_array_index (snapshot->aspect_name, candidates[i].aspect),
                          candidates[i].lift);
}

static char *
name_from_topics (BhSnapshot *snapshot,
                  GArray     *topics,
                  guint       n_words)
{
  GString *name = g_string_new (NULL);

  for (guint i = 0; i < topics->len && i < n_words; i++)
    {
      const char *aspect = g_array_index (topics, BhTopic, i).aspect;
      const char *colon = strchr (aspect, ':');

      if (i > 0)
        g_string_append (name, " · ");
      g_string_append (name, colon ? colon + 1 : aspect);
    }

  if (name->len == 0)
    g_string_append (name, "Everyone");

  return g_string_free (name, FALSE);
}

/* A member's sale lines and profile row lie somewhere in hundreds of
 * megabytes, and waiting for them took most of the figures' time. The
 * memory of the members a little ahead is asked for early, in two steps:
 * first where their rows start, then (once that is at hand) the rows.
 * Only a hint to the processor; nothing computed changes. */
#define PREFETCH_AHEAD 8
#define PREFETCH_LINES 48

static inline void
prefetch_member (BhSnapshot    *snapshot,
                 BhProfiles    *profiles,
                 const guint32 *customers,
                 guint          n_members,
                 guint          m)
{
  if (m + 2 * PREFETCH_AHEAD < n_members)
    {
      guint32 later = customers[m + 2 * PREFETCH_AHEAD];

      __builtin_prefetch (&snapshot->sale_start[later]);
      __builtin_prefetch (&profiles->row_start[later]);
    }

  if (m + PREFETCH_AHEAD < n_members)
    {
      guint32 next = customers[m + PREFETCH_AHEAD];
      const char *from = (const char *)&snapshot->sales[snapshot->sale_start[next]];
      const char *to = (const char *)&snapshot->sales[snapshot->sale_start[next + 1]];
      guint64 row = profiles->row_start[next];
      guint64 row_end = profiles->row_start[next + 1];

      /* The whole of the sale lines, up to a few kilobytes. */
      for (guint line = 0; from + line * 64 < to && line < PREFETCH_LINES; line++)
        __builtin_prefetch (from + line * 64);
      for (guint64 k = row; k < row_end; k += 16)
        {
          __builtin_prefetch (&profiles->row_aspect[k]);
          __builtin_prefetch (&profiles->row_weight[k]);
        }
    }
}

/* An aspect of a chosen event: its position in the union of the chosen
 * events' aspects and its weight in the event. */
typedef struct
{
  guint  index;
  double weight;
} Term;

/**
 * _bh_describe_clusters:
 *
 * Names, topics, top events and figures of the clusters of @customers.
 *
 * Returns: (transfer full): of #BhCluster, @n_clusters of them
 */
GPtrArray *
_bh_describe_clusters (BhSnapshot    *snapshot,
                       BhProfiles    *profiles,
                       gint64         cutoff,
                       const guint32 *chosen,
                       guint          n_chosen,
                       const guint32 *customers,
                       const guint   *assignment,
                       guint          n_members,
                       guint          n_clusters)
{
  g_autoptr(GPtrArray) clusters = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) aspects = NULL;
  g_autoptr(GArray) orders = g_array_new (FALSE, FALSE, sizeof (Order));
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree double *weight = NULL;
  g_autofree double *row = NULL;
  g_autofree double *mean = NULL;
  g_autofree double *overall = NULL;
  g_autofree double *interest = NULL;
  g_autofree guint *counts = NULL;
  g_autofree guint32 *term_start = NULL;
  g_autofree Term *terms = NULL;
  g_autofree guint32 *stamp = g_new0 (guint32, snapshot->n_events + 1);
  g_autofree Figures *figures = g_new0 (Figures, n_clusters + 1);
  Grouping grouping = { g_new0 (Slot, 64), 63, 0, g_array_new (FALSE, FALSE, sizeof (Order)) };
  guint d;

  aspects = union_aspects (snapshot, chosen, n_chosen, &weight);
  d = aspects->len;

  /* Each chosen event's aspects as positions in the union, so that a
   * member's interest comes from their restricted profile row instead
   * of a search in their profile for every aspect of every event. */
  term_start = g_new (guint32, n_chosen + 1);
  {
    guint32 n_terms = 0;

    for (guint j = 0; j < n_chosen; j++)
      n_terms += snapshot->event_aspect_start[chosen[j] + 1] -
                 snapshot->event_aspect_start[chosen[j]];
    terms = g_new (Term, n_terms + 1);
    n_terms = 0;
    for (guint j = 0; j < n_chosen; j++)
      {
        term_start[j] = n_terms;
        for (guint32 k = snapshot->event_aspect_start[chosen[j]];
             k < snapshot->event_aspect_start[chosen[j] + 1];
             k++)
          {
            const guint32 *slot = bsearch (&snapshot->event_aspect[k], aspects->data, d,
                                           sizeof (guint32), compare_guint32);

            g_assert (slot != NULL);
            terms[n_terms].index = slot - (const guint32 *)(gpointer)aspects->data;
            terms[n_terms].weight = snapshot->event_aspect_weight[k];
            n_terms++;
          }
      }
    term_start[n_chosen] = n_terms;
  }
  row = g_new0 (double, d + 1);
  mean = g_new0 (double, (gsize)n_clusters * d + 1);
  overall = g_new0 (double, d + 1);
  interest = g_new0 (double, (gsize)n_clusters * n_chosen + 1);
  counts = g_new0 (guint, n_clusters + 1);

  for (guint c = 0; c < n_clusters; c++)
    {
      figures[c].order_values = g_array_new (FALSE, FALSE, sizeof (double));
      figures[c].categories = g_new0 (guint64, snapshot->category_name->len + 1);
    }

  for (guint m = 0; m < n_members; m++)
    {
      guint c = assignment[m];

      g_assert (c < n_clusters);
      counts[c]++;
      prefetch_member (snapshot, profiles, customers, n_members, m);

      profile_restricted (profiles, customers[m], (const guint32 *)(gpointer)aspects->data,
                          d, row);
      for (guint i = 0; i < d; i++)
        {
          mean[(gsize)c * d + i] += row[i];
          overall[i] += row[i];
        }

      /* _bh_interest(), from the row: the same terms in the same order */
      for (guint j = 0; j < n_chosen; j++)
        {
          double dot = 0;

          for (guint32 t = term_start[j]; t < term_start[j + 1]; t++)
            dot += terms[t].weight * row[terms[t].index];
          interest[(gsize)c * n_chosen + j] += CLAMP (dot, 0.0, 1.0);
        }

      add_member_figures (snapshot, cutoff, customers[m], &figures[c], orders, &grouping,
                          stamp);
    }

  for (guint i = 0; i < d && n_members > 0; i++)
    overall[i] /= n_members;

  for (guint c = 0; c < n_clusters; c++)
    {
      g_autoptr(BhCluster) cluster = bh_cluster_new (c, NULL);
      BhClusterFigures out = { 0 };
      g_autofree char *name = NULL;

      for (guint i = 0; i < d && counts[c] > 0; i++)
        mean[(gsize)c * d + i] /= counts[c];

      add_topics (snapshot, cluster, (const guint32 *)(gpointer)aspects->data, d,
                  mean + (gsize)c * d, overall);

      /* Two leading topics name a cluster; more if another has that name. */
      for (guint words = 2; words <= MAX_TOPICS + 1; words++)
        {
          g_free (name);
          name = name_from_topics (snapshot, bh_cluster_get_topics (cluster), words);
          if (words > MAX_TOPICS)
            {
              g_autofree char *numbered = g_strdup_printf ("%s (%u)", name, c + 1);

              g_free (name);
              name = g_steal_pointer (&numbered);
            }
          if (!g_hash_table_contains (names, name))
            break;
        }
      g_hash_table_add (names, g_strdup (name));
      bh_cluster_set_name (cluster, name);

      for (guint j = 0; j < n_chosen; j++)
        bh_cluster_add_top_event (cluster,
                                  g_ptr_array_index (snapshot->event_ext_id, chosen[j]),
                                  g_ptr_array_index (snapshot->event_title, chosen[j]),
                                  counts[c] > 0
                                  ? interest[(gsize)c * n_chosen + j] / counts[c]
                                  : 0);

      finish_figures (snapshot, &figures[c], &out);
      out.members = counts[c];
      out.share = n_members > 0 ? (double)counts[c] / n_members : 0;
      bh_cluster_set_figures (cluster, &out);

      g_ptr_array_add (clusters, g_steal_pointer (&cluster));
    }

  for (guint c = 0; c < n_clusters; c++)
    {
      g_array_unref (figures[c].order_values);
      g_free (figures[c].categories);
    }
  g_free (grouping.slots);
  g_array_unref (grouping.orders);

  return g_steal_pointer (&clusters);
}
