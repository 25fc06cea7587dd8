/* test-builder.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include <string.h>

#include "bh-test-venue.h"

/*
 * The builder against a plain recomputation from the raw rows: dense
 * vectors, every sale read with SQL, every rule written out again. The
 * constants are the documented ones (bh-snapshot.c, bh-builder.c).
 */

#define TASTE_HALF_LIFE (730.0 * 86400)
#define ACTIVITY_HALF_LIFE (182.0 * 86400)
#define CONFIDENCE_EVENTS 5.0
#define SIMILAR_THRESHOLD 0.8

#define N_REASONS 11
#define MEMBER -1
#define NOT_TAKEN -2

static const char * const reasons[N_REASONS] = {
  "opted-out", "no-email", "holds-ticket", "same-series", "similar-event",
  "excluded-id", "purchase-date", "price", "discount-only", "location", "max-customers",
};

typedef struct
{
  guint    customer;
  guint    event;
  gint64   purchased;
  int      quantity;
  gboolean priced;
  int      price;
  gboolean based;
  int      base;
} Sale;

typedef struct
{
  guint     n_customers;
  guint     n_events;
  guint     n_aspects;
  char    **customer_ext;
  gboolean *opt_out;
  gboolean *no_email;
  char    **post_code;
  char    **city;
  char    **event_ext;
  guint32  *event_day;
  char    **series;
  double   *v;        /* n_events × n_aspects */
  GArray   *sales;
  double   *profile;  /* n_customers × n_aspects */
  gint64    cutoff;
  guint32   as_of_day;
} Model;

static guint32
julian (const char *text)
{
  GDate date;
  int y, m, d;

  g_assert_cmpint (sscanf (text, "%d-%d-%d", &y, &m, &d), ==, 3);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);

  return g_date_get_julian (&date);
}

static gint64
midnight (guint32 day)
{
  g_autoptr(GDateTime) dt = NULL;
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, day);
  dt = g_date_time_new_local (g_date_get_year (&date), g_date_get_month (&date),
                              g_date_get_day (&date), 0, 0, 0);

  return g_date_time_to_unix (dt);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, column));
}

static void
model_free (Model *m)
{
  g_strfreev (m->customer_ext);
  g_free (m->opt_out);
  g_free (m->no_email);
  for (guint c = 0; c < m->n_customers; c++)
    {
      g_free (m->post_code[c]);
      g_free (m->city[c]);
    }
  g_free (m->post_code);
  g_free (m->city);
  g_strfreev (m->event_ext);
  g_free (m->event_day);
  for (guint e = 0; e < m->n_events; e++)
    g_free (m->series[e]);
  g_free (m->series);
  g_free (m->v);
  g_array_unref (m->sales);
  g_free (m->profile);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Model, model_free)

/* An address a mail can go to, as a pattern: something without blanks,
 * commas, semicolons, angle brackets or "@", an "@", then two or more
 * dot-separated labels; blanks around it do not count. */
static gboolean
plausible_email (const char *email)
{
  g_autofree char *trimmed = NULL;

  if (email == NULL)
    return FALSE;

  trimmed = g_strstrip (g_strdup (email));

  return g_regex_match_simple ("^[^\\s@,;<>]+@[^\\s@,;<>.]+(\\.[^\\s@,;<>.]+)+$",
                               trimmed, 0, 0);
}

static Model *
model_new (Venue      *venue,
           const char *as_of)
{
  Model *m = g_new0 (Model, 1);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree guint *df = NULL;
  g_autofree gint64 *latest = NULL;
  gint64 last = 0, reference;
  guint i = 0;

  m->n_customers = venue->n_customers;
  m->n_events = venue->n_events;
  m->n_aspects = venue->n_aspects;
  m->as_of_day = julian (as_of);
  m->cutoff = midnight (m->as_of_day + 1);

  m->customer_ext = g_new0 (char *, m->n_customers + 1);
  m->opt_out = g_new0 (gboolean, m->n_customers);
  m->no_email = g_new0 (gboolean, m->n_customers);
  m->post_code = g_new0 (char *, m->n_customers);
  m->city = g_new0 (char *, m->n_customers);
  stmt = venue_prepare (venue, "SELECT ext_id, opt_out, post_code, city, email "
                               "FROM customer ORDER BY id");
  for (i = 0; sqlite3_step (stmt) == SQLITE_ROW; i++)
    {
      m->customer_ext[i] = column_dup (stmt, 0);
      m->opt_out[i] = sqlite3_column_int (stmt, 1);
      m->post_code[i] = column_dup (stmt, 2);
      m->city[i] = column_dup (stmt, 3);
      m->no_email[i] = !plausible_email ((const char *)sqlite3_column_text (stmt, 4));
    }
  g_assert_cmpuint (i, ==, m->n_customers);
  g_clear_pointer (&stmt, sqlite3_finalize);

  m->event_ext = g_new0 (char *, m->n_events + 1);
  m->event_day = g_new0 (guint32, m->n_events);
  m->series = g_new0 (char *, m->n_events);
  stmt = venue_prepare (venue, "SELECT ext_id, date, series FROM event ORDER BY id");
  for (i = 0; sqlite3_step (stmt) == SQLITE_ROW; i++)
    {
      m->event_ext[i] = column_dup (stmt, 0);
      m->event_day[i] = julian ((const char *)sqlite3_column_text (stmt, 1));
      m->series[i] = column_dup (stmt, 2);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* event and aspect ids are 1 … n in the test venue */
  m->v = g_new0 (double, m->n_events * m->n_aspects);
  df = g_new0 (guint, m->n_aspects);
  stmt = venue_prepare (venue, "SELECT event_id, aspect_id FROM event_aspect");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      guint e = sqlite3_column_int (stmt, 0) - 1;
      guint a = sqlite3_column_int (stmt, 1) - 1;

      m->v[e * m->n_aspects + a] = 1;
      df[a]++;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  for (guint e = 0; e < m->n_events; e++)
    {
      double *v = m->v + e * m->n_aspects, norm = 0;

      for (guint a = 0; a < m->n_aspects; a++)
        {
          if (v[a] > 0)
            v[a] = log (1 + (double)m->n_events / df[a]);
          norm += v[a] * v[a];
        }
      for (guint a = 0; a < m->n_aspects; a++)
        v[a] /= sqrt (norm);
    }

  m->sales = g_array_new (FALSE, FALSE, sizeof (Sale));
  stmt = venue_prepare (venue,
                        "SELECT (customer_id - 7) / 3, event_id - 1, purchased, quantity, "
                        "price, base_price FROM sale WHERE customer_id IS NOT NULL");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Sale s = {
        sqlite3_column_int (stmt, 0), sqlite3_column_int (stmt, 1),
        sqlite3_column_int64 (stmt, 2), sqlite3_column_int (stmt, 3),
        sqlite3_column_type (stmt, 4) != SQLITE_NULL, sqlite3_column_int (stmt, 4),
        sqlite3_column_type (stmt, 5) != SQLITE_NULL, sqlite3_column_int (stmt, 5),
      };

      last = MAX (last, s.purchased);
      g_array_append_val (m->sales, s);
    }

  /* profiles, densely */
  reference = MIN (m->cutoff, last + 1);
  latest = g_new0 (gint64, m->n_customers * m->n_events);
  for (guint k = 0; k < m->sales->len; k++)
    {
      Sale *s = &g_array_index (m->sales, Sale, k);
      gint64 *slot = &latest[s->customer * m->n_events + s->event];

      if (s->purchased < m->cutoff && s->quantity > 0)
        *slot = MAX (*slot, s->purchased);
    }

  m->profile = g_new0 (double, m->n_customers * m->n_aspects);
  for (guint c = 0; c < m->n_customers; c++)
    {
      double *p = m->profile + c * m->n_aspects, norm = 0, active = 0;

      for (guint e = 0; e < m->n_events; e++)
        {
          gint64 t = latest[c * m->n_events + e];

          if (t == 0)
            continue;

          active += exp2 (-(reference - t) / ACTIVITY_HALF_LIFE);
          for (guint a = 0; a < m->n_aspects; a++)
            p[a] += exp2 (-(reference - t) / TASTE_HALF_LIFE) * m->v[e * m->n_aspects + a];
        }

      for (guint a = 0; a < m->n_aspects; a++)
        norm += p[a] * p[a];
      for (guint a = 0; a < m->n_aspects && norm > 0; a++)
        p[a] *= active / (active + CONFIDENCE_EVENTS) / sqrt (norm);
    }

  return m;
}

static double
model_interest (Model *m,
                guint  c,
                guint  e)
{
  double dot = 0;

  for (guint a = 0; a < m->n_aspects; a++)
    dot += m->profile[c * m->n_aspects + a] * m->v[e * m->n_aspects + a];

  return dot;
}

static double
model_similarity (Model *m,
                  guint  a,
                  guint  b)
{
  double dot = 0;

  for (guint k = 0; k < m->n_aspects; k++)
    dot += m->v[a * m->n_aspects + k] * m->v[b * m->n_aspects + k];

  return dot;
}

static guint
model_event (Model      *m,
             const char *ext_id)
{
  for (guint e = 0; e < m->n_events; e++)
    if (g_str_equal (m->event_ext[e], ext_id))
      return e;

  g_assert_not_reached ();
}

static gboolean
in_list (const char * const *list,
         const char         *id)
{
  return list != NULL && g_strv_contains (list, id);
}

static gboolean
prefix_in (const char * const *prefixes,
           const char         *post_code)
{
  for (guint i = 0; prefixes != NULL && prefixes[i]; i++)
    if (post_code != NULL && g_ascii_strncasecmp (post_code, prefixes[i],
                                                  strlen (prefixes[i])) == 0)
      return TRUE;

  return FALSE;
}

static gboolean
city_in (const char * const *cities,
         const char         *city)
{
  for (guint i = 0; cities != NULL && cities[i] && city != NULL; i++)
    {
      g_autofree char *a = g_utf8_casefold (cities[i], -1);
      g_autofree char *b = g_utf8_casefold (city, -1);

      if (g_str_equal (a, b))
        return TRUE;
    }

  return FALSE;
}

typedef struct
{
  int     *status;      /* per customer: reason index, MEMBER or NOT_TAKEN */
  double  *score;
  guint    counts[N_REASONS];
  guint    members;
  guint    borderline;  /* customers too close to the threshold to judge */
} Expected;

static void
expected_free (Expected *x)
{
  g_free (x->status);
  g_free (x->score);
  g_free (x);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Expected, expected_free)

/* The rules of issue 3 and bh-builder.c, written out plainly. */
static Expected *
model_expect (Model              *m,
              const BhDefinition *def)
{
  Expected *x = g_new0 (Expected, 1);
  guint n = g_strv_length (def->events);
  g_autofree guint *chosen = g_new (guint, n);
  g_autofree gboolean *same = g_new0 (gboolean, m->n_events);
  g_autofree gboolean *similar = g_new0 (gboolean, m->n_events);
  guint need;
  guint32 window_from, window_to;
  gint64 before = def->exclude_all_before ? midnight (julian (def->exclude_all_before)) : 0;
  gint64 after = def->exclude_all_after ? midnight (julian (def->exclude_all_after) + 1) : 0;
  GDate as_of, start, end, ahead;

  for (guint j = 0; j < n; j++)
    chosen[j] = model_event (m, def->events[j]);

  /* seasons start on 1 August */
  g_date_clear (&as_of, 1);
  g_date_set_julian (&as_of, m->as_of_day);
  g_date_clear (&start, 1);
  g_date_set_dmy (&start, 1, 8, g_date_get_year (&as_of) - (g_date_get_month (&as_of) < 8));
  end = start;
  g_date_add_years (&end, 1);
  g_date_subtract_days (&end, 1);
  g_date_subtract_years (&start, 1);
  ahead = as_of;
  g_date_add_months (&ahead, 6);
  window_from = g_date_get_julian (&start);
  window_to = MAX (g_date_get_julian (&end), g_date_get_julian (&ahead));

  for (guint e = 0; e < m->n_events; e++)
    for (guint j = 0; j < n; j++)
      {
        if (e == chosen[j] || m->event_day[e] < window_from || m->event_day[e] > window_to)
          continue;
        if (m->series[e] && m->series[chosen[j]] &&
            g_str_equal (m->series[e], m->series[chosen[j]]))
          same[e] = TRUE;
        if (model_similarity (m, e, chosen[j]) >= SIMILAR_THRESHOLD)
          similar[e] = TRUE;
      }
  for (guint j = 0; j < n; j++)
    same[chosen[j]] = similar[chosen[j]] = FALSE;

  need = def->mode == BH_MODE_INCLUSIVE ? n : MAX (1, (guint)ceil (def->quorum * n - 1e-9));
  x->status = g_new (int, m->n_customers);
  x->score = g_new0 (double, m->n_customers);

  for (guint c = 0; c < m->n_customers; c++)
    {
      const char *id = m->customer_ext[c];
      gboolean included = in_list ((const char * const *)def->include_ids, id);
      gboolean excluded = in_list ((const char * const *)def->exclude_ids, id);
      gboolean holds = FALSE, bought_same = FALSE, bought_similar = FALSE;
      gboolean all_before = TRUE, all_after = TRUE;
      double sum = 0, paid = 0, tickets = 0;
      guint interested = 0, comparable = 0, discounted = 0;
      int status = MEMBER;

      for (guint j = 0; j < n; j++)
        {
          double interest = model_interest (m, c, chosen[j]);

          sum += interest;
          interested += interest > 0 && interest >= def->threshold;
          if (fabs (interest - def->threshold) < 1e-5)
            x->borderline++;
        }
      x->score[c] = sum / n;

      if (interested < need && !included)
        {
          x->status[c] = NOT_TAKEN;
          continue;
        }

      for (guint k = 0; k < m->sales->len; k++)
        {
          Sale *s = &g_array_index (m->sales, Sale, k);

          if (s->customer != c || s->purchased >= m->cutoff || s->quantity <= 0)
            continue;

          for (guint j = 0; j < n; j++)
            holds |= s->event == chosen[j];
          bought_same |= same[s->event];
          bought_similar |= similar[s->event];
          all_before &= s->purchased < before;
          all_after &= s->purchased >= after;
          if (s->priced)
            {
              paid += s->price / 100.0 * s->quantity;
              tickets += s->quantity;
              if (s->based)
                {
                  comparable++;
                  discounted += s->price < s->base;
                }
            }
        }

      if (m->opt_out[c])
        status = 0;
      else if (m->no_email[c])
        status = 1;
      else if (included)
        status = excluded ? 5 : MEMBER;
      else if (holds)
        status = 2;
      else if (bought_same && def->exclude_same_series)
        status = 3;
      else if (bought_similar && def->exclude_similar)
        status = 4;
      else if (excluded)
        status = 5;
      else if ((def->exclude_all_before && all_before) || (def->exclude_all_after && all_after))
        status = 6;
      else if (tickets > 0 &&
               ((def->min_avg_price >= 0 && paid / tickets < def->min_avg_price) ||
                (def->max_avg_price >= 0 && paid / tickets > def->max_avg_price)))
        status = 7;
      else if (def->exclude_discount_only && comparable > 0 && discounted == comparable)
        status = 8;
      else if (((def->include_post_codes || def->include_cities) &&
                !prefix_in ((const char * const *)def->include_post_codes, m->post_code[c]) &&
                !city_in ((const char * const *)def->include_cities, m->city[c])) ||
               prefix_in ((const char * const *)def->exclude_post_codes, m->post_code[c]) ||
               city_in ((const char * const *)def->exclude_cities, m->city[c]))
        status = 9;

      x->status[c] = status;
      if (status == MEMBER)
        x->members++;
      else
        x->counts[status]++;
    }

  return x;
}

static BhBuildResult *
run (BhSnapshot         *snapshot,
     const BhDefinition *def)
{
  g_autoptr(GError) error = NULL;
  BhBuildResult *result = bh_builder_run (snapshot, def, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);

  return result;
}

static BhDefinition *
definition (const char *as_of,
            const char *events)
{
  BhDefinition *def = bh_definition_new ();

  def->title = g_strdup ("Test");
  def->as_of = g_strdup (as_of);
  def->events = g_strsplit (events, ",", -1);

  return def;
}

/* What assert_matches_model() saw removed, to show it compared something. */
static guint seen_counts[N_REASONS];

static void
assert_matches_model (BhSnapshot         *snapshot,
                      Model              *m,
                      const BhDefinition *def)
{
  g_autoptr(BhBuildResult) result = run (snapshot, def);
  g_autoptr(Expected) x = model_expect (m, def);
  g_autofree gboolean *member = g_new0 (gboolean, m->n_customers);
  guint members = 0;

  /* the fixture keeps everyone clear of the threshold */
  g_assert_cmpuint (x->borderline, ==, 0);

  for (guint i = 0; i < result->members->len; i++)
    {
      BhBuildMember *mb = &g_array_index (result->members, BhBuildMember, i);

      g_assert_false (member[mb->customer]);
      member[mb->customer] = TRUE;
      g_assert_cmpint (x->status[mb->customer], ==, MEMBER);
      g_assert_cmpfloat_with_epsilon (mb->score, x->score[mb->customer], 1e-4);
      g_assert_cmpfloat (mb->score, >=, 0);
      g_assert_cmpfloat (mb->score, <=, 1);
      if (i > 0)
        g_assert_cmpfloat (mb->score, <=,
                           g_array_index (result->members, BhBuildMember, i - 1).score);
    }

  for (guint c = 0; c < m->n_customers; c++)
    members += x->status[c] == MEMBER;

  if (def->max_customers == 0)
    {
      g_assert_cmpuint (result->members->len, ==, members);
      g_assert_cmpuint (g_array_index (result->exclusions, BhExclusion, N_REASONS - 1).count,
                        ==, 0);
    }
  else
    {
      g_assert_cmpuint (result->members->len, ==, MIN (members, def->max_customers));
    }

  g_assert_cmpuint (result->exclusions->len, ==, N_REASONS);
  for (guint r = 0; r < N_REASONS - 1; r++)
    {
      BhExclusion *ex = &g_array_index (result->exclusions, BhExclusion, r);

      g_assert_cmpstr (ex->reason, ==, reasons[r]);
      g_assert_cmpuint (ex->count, ==, x->counts[r]);
      seen_counts[r] += ex->count;
    }
  seen_counts[N_REASONS - 1] +=
    g_array_index (result->exclusions, BhExclusion, N_REASONS - 1).count;
  g_assert_cmpuint (result->considered, ==, m->n_customers);
}

static Venue *shared_venue;

static Venue *
venue (void)
{
  if (shared_venue == NULL)
    shared_venue = venue_new (400, 60, 42);

  return shared_venue;
}

#define AS_OF "2025-06-15"

static void
test_builder_matches_model (void)
{
  g_autoptr(BhSnapshot) snapshot = venue_snapshot (venue ());
  g_autoptr(Model) m = model_new (venue (), AS_OF);
  g_autoptr(BhDefinition) one = definition (AS_OF, "E053");
  g_autoptr(BhDefinition) three = definition (AS_OF, "E048,E050,E052");
  g_autoptr(BhDefinition) filters = definition (AS_OF, "E045,E049");
  g_autoptr(BhDefinition) series = definition (AS_OF, "E044");
  g_autoptr(BhDefinition) past = definition (AS_OF, "E030,E031");
  const char *include[] = { "C0001", "C0005", "C0010", "C0011", "C0012", "C0200", "nobody", NULL };
  const char *exclude[] = { "C0012", "C0031", "C0042", "C0043", "C0050", "ghost", NULL };
  const char *codes[] = { "79", NULL };
  const char *no_cities[] = { "basel", NULL };
  const char *cities[] = { "berlin", NULL };

  assert_matches_model (snapshot, m, one);

  three->mode = BH_MODE_SELECTIVE;
  three->threshold = 0.12;
  three->exclude_similar = FALSE;
  assert_matches_model (snapshot, m, three);
  three->quorum = 0.3;
  three->exclude_similar = TRUE;
  three->exclude_same_series = FALSE;
  assert_matches_model (snapshot, m, three);

  filters->mode = BH_MODE_SELECTIVE;
  filters->threshold = 0.08;
  filters->exclude_all_before = g_strdup ("2024-01-01");
  filters->min_avg_price = 30;
  filters->max_avg_price = 40;
  filters->exclude_discount_only = TRUE;
  filters->include_post_codes = g_strdupv ((GStrv)codes);
  filters->include_cities = g_strdupv ((GStrv)cities);
  filters->exclude_cities = g_strdupv ((GStrv)no_cities);
  filters->exclude_ids = g_strdupv ((GStrv)exclude);
  assert_matches_model (snapshot, m, filters);

  filters->min_avg_price = -1;
  filters->max_avg_price = -1;
  assert_matches_model (snapshot, m, filters);

  g_clear_pointer (&filters->exclude_all_before, g_free);
  filters->max_avg_price = 45;
  filters->exclude_all_after = g_strdup ("2023-06-30");
  filters->include_ids = g_strdupv ((GStrv)include);
  assert_matches_model (snapshot, m, filters);

  series->threshold = 0.05;
  series->mode = BH_MODE_SELECTIVE;
  assert_matches_model (snapshot, m, series);

  past->threshold = 0.1;
  assert_matches_model (snapshot, m, past);
  past->max_customers = 5;
  assert_matches_model (snapshot, m, past);

  for (guint r = 0; r < N_REASONS; r++)
    g_test_message ("%s: %u", reasons[r], seen_counts[r]);
  for (guint r = 0; r < N_REASONS; r++)
    g_assert_cmpuint (seen_counts[r], >, 0);
}

static void
test_builder_exclusions_happen (void)
{
  g_autoptr(Model) m = model_new (venue (), AS_OF);
  g_autoptr(BhDefinition) def = definition (AS_OF, "E044");
  g_autoptr(Expected) x = NULL;

  /* The fixture must exercise the rules the model test compares, or that
   * test would pass without looking. */
  def->threshold = 0.05;
  x = model_expect (m, def);
  g_assert_cmpuint (x->counts[0], >, 0);
  g_assert_cmpuint (x->counts[1], >, 0);
  g_assert_cmpuint (x->counts[2], >, 0);
  g_assert_cmpuint (x->counts[3], >, 0);
  g_assert_cmpuint (x->counts[4], >, 0);
  g_assert_cmpuint (x->members, >, 0);
}

static void
test_builder_inclusive_interested (void)
{
  g_autoptr(BhSnapshot) snapshot = venue_snapshot (venue ());
  g_autoptr(Model) m = model_new (venue (), AS_OF);
  g_autoptr(BhDefinition) def = definition (AS_OF, "E048,E052");
  g_autoptr(BhBuildResult) result = NULL;

  def->threshold = 0.1;
  result = run (snapshot, def);
  g_assert_cmpuint (result->members->len, >, 0);
  for (guint i = 0; i < result->members->len; i++)
    {
      BhBuildMember *mb = &g_array_index (result->members, BhBuildMember, i);

      for (guint j = 0; def->events[j]; j++)
        g_assert_cmpfloat (model_interest (m, mb->customer, model_event (m, def->events[j])),
                           >=, def->threshold - 1e-6);
      g_assert_nonnull (mb->why);
    }
}

static GHashTable *
member_set (BhBuildResult *result)
{
  GHashTable *set = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < result->members->len; i++)
    g_hash_table_add (set, GUINT_TO_POINTER (g_array_index (result->members,
                                                            BhBuildMember, i).customer + 1));

  return set;
}

static void
test_builder_monotonic (void)
{
  g_autoptr(BhSnapshot) snapshot = venue_snapshot (venue ());
  const char *events[] = { "E048", "E052", "E050", "E056", "E054", NULL };
  g_autoptr(GHashTable) previous = NULL;
  guint previous_size = G_MAXUINT;

  for (guint n = 1; events[n - 1]; n++)
    {
      g_autoptr(BhDefinition) def = definition (AS_OF, "E048");
      g_autoptr(BhBuildResult) result = NULL;
      g_autoptr(GHashTable) set = NULL;
      GHashTableIter iter;
      gpointer key;

      g_strfreev (def->events);
      def->events = g_new0 (char *, n + 1);
      for (guint k = 0; k < n; k++)
        def->events[k] = g_strdup (events[k]);
      def->threshold = 0.03;
      result = run (snapshot, def);
      set = member_set (result);

      if (n == 1)
        g_assert_cmpuint (result->members->len, >, 5);
      g_assert_cmpuint (result->members->len, <=, previous_size);
      if (previous != NULL)
        {
          g_hash_table_iter_init (&iter, set);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            g_assert_true (g_hash_table_contains (previous, key));
        }

      previous_size = result->members->len;
      g_clear_pointer (&previous, g_hash_table_unref);
      previous = g_steal_pointer (&set);
    }
}

static void
test_builder_lists (void)
{
  g_autoptr(BhSnapshot) snapshot = venue_snapshot (venue ());
  g_autoptr(Model) m = model_new (venue (), AS_OF);
  g_autoptr(BhDefinition) def = definition (AS_OF, "E053");
  g_autoptr(BhBuildResult) plain = NULL;
  g_autoptr(BhBuildResult) result = NULL;
  g_autoptr(GHashTable) plain_set = NULL;
  g_autoptr(GHashTable) set = NULL;
  g_autoptr(GPtrArray) include = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) exclude = g_ptr_array_new_with_free_func (g_free);
  guint opted_out = G_MAXUINT, uninterested = G_MAXUINT, interested = G_MAXUINT;
  guint both = G_MAXUINT, no_address = G_MAXUINT;

  plain = run (snapshot, def);
  plain_set = member_set (plain);

  /* Pick customers of every kind from the model. */
  for (guint c = 0; c < m->n_customers; c++)
    {
      gboolean in = g_hash_table_contains (plain_set, GUINT_TO_POINTER (c + 1));

      if (m->opt_out[c] && opted_out == G_MAXUINT)
        opted_out = c;
      else if (!m->opt_out[c] && m->no_email[c] && no_address == G_MAXUINT)
        no_address = c;
      else if (!m->opt_out[c] && !m->no_email[c] && !in && model_interest (m, c, 53) < 0.01 &&
               uninterested == G_MAXUINT)
        uninterested = c;
      else if (in && interested == G_MAXUINT)
        interested = c;
      else if (in && both == G_MAXUINT)
        both = c;
    }
  g_assert_cmpuint (opted_out, !=, G_MAXUINT);
  g_assert_cmpuint (uninterested, !=, G_MAXUINT);
  g_assert_cmpuint (interested, !=, G_MAXUINT);
  g_assert_cmpuint (both, !=, G_MAXUINT);
  g_assert_cmpuint (no_address, !=, G_MAXUINT);

  g_ptr_array_add (include, g_strdup (m->customer_ext[opted_out]));
  g_ptr_array_add (include, g_strdup (m->customer_ext[no_address]));
  g_ptr_array_add (include, g_strdup (m->customer_ext[uninterested]));
  g_ptr_array_add (include, g_strdup (m->customer_ext[both]));
  g_ptr_array_add (include, g_strdup ("no-such-customer"));
  g_ptr_array_add (include, NULL);
  g_ptr_array_add (exclude, g_strdup (m->customer_ext[interested]));
  g_ptr_array_add (exclude, g_strdup (m->customer_ext[both]));
  g_ptr_array_add (exclude, g_strdup ("ghost"));
  g_ptr_array_add (exclude, NULL);
  def->include_ids = g_strdupv ((GStrv)include->pdata);
  def->exclude_ids = g_strdupv ((GStrv)exclude->pdata);

  result = run (snapshot, def);
  set = member_set (result);

  /* the opt-out wins over the include list */
  g_assert_false (g_hash_table_contains (set, GUINT_TO_POINTER (opted_out + 1)));
  /* so does having no address a mail can go to */
  g_assert_false (g_hash_table_contains (set, GUINT_TO_POINTER (no_address + 1)));
  /* included customers join without interest */
  g_assert_true (g_hash_table_contains (set, GUINT_TO_POINTER (uninterested + 1)));
  /* the exclude list removes, and wins over the include list */
  g_assert_false (g_hash_table_contains (set, GUINT_TO_POINTER (interested + 1)));
  g_assert_false (g_hash_table_contains (set, GUINT_TO_POINTER (both + 1)));
  g_assert_cmpuint (result->members->len, ==, plain->members->len - 2 + 1);

  g_assert_cmpuint (result->matched_ids, ==, 4);
  g_assert_nonnull (result->unmatched_ids);
  g_assert_cmpuint (g_strv_length (result->unmatched_ids), ==, 2);
  g_assert_cmpstr (result->unmatched_ids[0], ==, "no-such-customer");
  g_assert_cmpstr (result->unmatched_ids[1], ==, "ghost");
  g_assert_cmpuint (g_array_index (result->exclusions, BhExclusion, 5).count, ==, 2);
}

static void
test_builder_max_customers (void)
{
  g_autoptr(BhSnapshot) snapshot = venue_snapshot (venue ());
  g_autoptr(BhDefinition) def = definition (AS_OF, "E048,E049,E050");
  g_autoptr(BhBuildResult) all = NULL;
  g_autoptr(BhBuildResult) some = NULL;
  guint limit;

  def->mode = BH_MODE_SELECTIVE;
  def->threshold = 0.05;
  all = run (snapshot, def);
  g_assert_cmpuint (all->members->len, >, 10);

  limit = all->members->len / 3;
  def->max_customers = limit;
  some = run (snapshot, def);
  g_assert_cmpuint (some->members->len, ==, limit);
  g_assert_cmpuint (g_array_index (some->exclusions, BhExclusion, 10).count, ==,
                    all->members->len - limit);

  /* the best scores are kept: all's order is best first */
  for (guint i = 0; i < limit; i++)
    {
      BhBuildMember *a = &g_array_index (all->members, BhBuildMember, i);
      BhBuildMember *b = &g_array_index (some->members, BhBuildMember, i);

      g_assert_cmpuint (a->customer, ==, b->customer);
      g_assert_cmpfloat (a->score, ==, b->score);
    }
  g_assert_cmpfloat (g_array_index (some->members, BhBuildMember, limit - 1).score, >=,
                     g_array_index (all->members, BhBuildMember, limit).score);
}

static char *
result_text (BhBuildResult *result)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < result->members->len; i++)
    {
      BhBuildMember *mb = &g_array_index (result->members, BhBuildMember, i);

      g_string_append_printf (text, "%u %.9g %u %s\n", mb->customer, mb->score, mb->cluster,
                              mb->why ? mb->why : "-");
    }
  for (guint i = 0; i < result->clusters->len; i++)
    {
      g_autoptr(JsonNode) node = bh_cluster_to_json (g_ptr_array_index (result->clusters, i));
      g_autofree char *json = json_to_string (node, FALSE);

      g_string_append_printf (text, "%s\n", json);
    }
  for (guint i = 0; i < result->exclusions->len; i++)
    g_string_append_printf (text, "%u\n", g_array_index (result->exclusions, BhExclusion, i).count);

  return g_string_free (text, FALSE);
}

static void
test_builder_deterministic (void)
{
  g_autoptr(BhSnapshot) first = venue_snapshot (venue ());
  g_autoptr(BhSnapshot) second = venue_snapshot (venue ());
  g_autoptr(BhDefinition) def = definition (AS_OF, "E048,E049,E050,E051");
  g_autoptr(BhBuildResult) a = NULL;
  g_autoptr(BhBuildResult) b = NULL;
  g_autoptr(BhBuildResult) c = NULL;
  g_autofree char *text_a = NULL;
  g_autofree char *text_b = NULL;
  g_autofree char *text_c = NULL;

  def->mode = BH_MODE_SELECTIVE;
  def->threshold = 0.05;
  a = run (first, def);
  b = run (first, def);
  c = run (second, def);
  g_assert_cmpuint (a->members->len, >, 20);
  g_assert_cmpuint (a->clusters->len, >=, 2);

  text_a = result_text (a);
  text_b = result_text (b);
  text_c = result_text (c);
  g_assert_cmpstr (text_a, ==, text_b);
  g_assert_cmpstr (text_a, ==, text_c);
}

static void
test_builder_estimate (void)
{
  g_autoptr(BhSnapshot) snapshot = venue_snapshot (venue ());
  const char *events[] = { "E053", "E048,E052", "E044", "E048,E049,E050" };

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    for (guint limit = 0; limit <= 7; limit += 7)
      {
        g_autoptr(BhDefinition) def = definition (AS_OF, events[i]);
        g_autoptr(BhBuildResult) result = NULL;
        g_autoptr(GError) error = NULL;
        guint estimate;

        def->mode = i % 2 ? BH_MODE_SELECTIVE : BH_MODE_INCLUSIVE;
        def->threshold = 0.06;
        def->max_customers = limit;
        result = run (snapshot, def);
        estimate = bh_builder_estimate (snapshot, def, NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (estimate, ==, result->members->len);
      }
}

static void
test_builder_as_of_hides_later_sales (void)
{
  g_autoptr(Venue) v = venue_new (200, 60, 7);
  g_autoptr(BhDefinition) def = definition ("2024-12-31", "E040,E041,E042");
  g_autoptr(BhSnapshot) before = NULL;
  g_autoptr(BhSnapshot) after = NULL;
  g_autoptr(BhBuildResult) a = NULL;
  g_autoptr(BhBuildResult) b = NULL;
  g_autoptr(BhBuildResult) today = NULL;
  g_autofree char *text_a = NULL;
  g_autofree char *text_b = NULL;
  g_autofree char *text_today = NULL;
  g_autofree char *sql = NULL;

  def->mode = BH_MODE_SELECTIVE;
  def->threshold = 0.05;
  before = venue_snapshot (v);
  a = run (before, def);
  g_assert_cmpuint (a->members->len, >, 0);

  /* Everyone buys the chosen events and more, on the first of January. */
  sql = g_strdup_printf ("INSERT INTO sale (id, customer_id, event_id, purchased, category_id, "
                         "quantity, price, base_price, invoice) "
                         "SELECT 5000000 + c.id * 100 + e.id, c.id, e.id, %" G_GINT64_FORMAT
                         ", 1, 1, 100, 9000, NULL FROM customer c, event e "
                         "WHERE e.id IN (1, 2, 3, 41, 42, 43)",
                         venue_time (2025, 1, 1, 0));
  venue_exec (v, sql);
  after = venue_snapshot (v);
  b = run (after, def);

  text_a = result_text (a);
  text_b = result_text (b);
  g_assert_cmpstr (text_a, ==, text_b);

  /* without the as-of day, the new sales count: everyone holds a ticket */
  g_clear_pointer (&def->as_of, g_free);
  today = run (after, def);
  g_assert_cmpuint (today->members->len, ==, 0);
  text_today = result_text (today);
  g_assert_cmpstr (text_a, !=, text_today);
}

static void
test_builder_errors (void)
{
  g_autoptr(BhSnapshot) snapshot = venue_snapshot (venue ());
  g_autoptr(BhDefinition) def = definition (AS_OF, "E048,E999");
  g_autoptr(BhDefinition) bad = definition (AS_OF, "E048");
  g_autoptr(BhDefinition) nobody = definition (AS_OF, "E048");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BhBuildResult) result = NULL;

  result = bh_builder_run (snapshot, def, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, BH_ERROR, BH_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "E999"));
  g_clear_error (&error);

  g_assert_cmpuint (bh_builder_estimate (snapshot, def, NULL, &error), ==, 0);
  g_assert_error (error, BH_ERROR, BH_ERROR_NOT_FOUND);
  g_clear_error (&error);

  bad->clusters = 12;
  result = bh_builder_run (snapshot, bad, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  result = bh_builder_run (snapshot, nobody, NULL, NULL, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* an empty result is a result */
  nobody->threshold = 1;
  result = run (snapshot, nobody);
  g_assert_cmpuint (result->members->len, ==, 0);
  g_assert_cmpuint (result->clusters->len, ==, 0);
}

typedef struct
{
  double last;
  guint  calls;
} ProgressSeen;

static void
progress_cb (double      fraction,
             const char *message,
             gpointer    user_data)
{
  ProgressSeen *seen = user_data;

  g_assert_cmpfloat (fraction, >=, seen->last);
  g_assert_cmpfloat (fraction, <=, 1);
  seen->last = fraction;
  seen->calls++;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static void
test_builder_clusters (void)
{
  g_autoptr(BhSnapshot) snapshot = venue_snapshot (venue ());
  g_autoptr(BhDefinition) def = definition (AS_OF, "E048,E049,E050,E051");
  g_autoptr(BhBuildResult) result = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint *sizes = NULL;
  ProgressSeen seen = { 0, 0 };
  gint64 cutoff = midnight (julian (AS_OF) + 1);

  def->mode = BH_MODE_SELECTIVE;
  def->threshold = 0.05;
  def->clusters = 3;
  result = bh_builder_run (snapshot, def, progress_cb, &seen, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (seen.last, ==, 1);
  g_assert_cmpuint (seen.calls, >=, 3);

  g_assert_cmpuint (result->clusters->len, ==, 3);
  sizes = g_new0 (guint, result->clusters->len);
  for (guint i = 0; i < result->members->len; i++)
    {
      BhBuildMember *mb = &g_array_index (result->members, BhBuildMember, i);

      g_assert_cmpuint (mb->cluster, <, result->clusters->len);
      sizes[mb->cluster]++;
    }

  for (guint k = 0; k < result->clusters->len; k++)
    {
      BhCluster *cluster = g_ptr_array_index (result->clusters, k);
      const BhClusterFigures *f = bh_cluster_get_figures (cluster);
      GArray *topics = bh_cluster_get_topics (cluster);
      GArray *top = bh_cluster_get_top_events (cluster);
      g_autoptr(GArray) orders = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GString) in = g_string_new (NULL);
      g_autofree char *sql = NULL;
      g_autoptr(sqlite3_stmt) stmt = NULL;
      double paid = 0, tickets = 0;

      g_assert_cmpuint (bh_cluster_get_index (cluster), ==, k);
      g_assert_cmpuint (f->members, ==, sizes[k]);
      g_assert_cmpfloat_with_epsilon (f->share, (double)sizes[k] / result->members->len, 1e-9);
      if (k > 0)
        g_assert_cmpuint (sizes[k], <=, sizes[k - 1]);
      g_assert_nonnull (bh_cluster_get_name (cluster));
      g_assert_cmpuint (topics->len, >=, 3);
      g_assert_cmpuint (topics->len, <=, 5);
      g_assert_cmpuint (top->len, ==, 3);

      /* money figures, from the raw sales of the cluster's members */
      for (guint i = 0; i < result->members->len; i++)
        {
          BhBuildMember *mb = &g_array_index (result->members, BhBuildMember, i);

          if (mb->cluster == k)
            g_string_append_printf (in, "%s%" G_GINT64_FORMAT, in->len ? "," : "",
                                    bh_snapshot_get_customer_store_id (snapshot, mb->customer));
        }
      sql = g_strdup_printf ("SELECT sum(price * quantity) / 100.0, sum(quantity) FROM sale "
                             "WHERE customer_id IN (%s) AND purchased < %" G_GINT64_FORMAT
                             " AND price IS NOT NULL AND quantity > 0", in->str, cutoff);
      stmt = venue_prepare (venue (), sql);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      paid = sqlite3_column_double (stmt, 0);
      tickets = sqlite3_column_double (stmt, 1);
      g_assert_cmpfloat_with_epsilon (f->avg_ticket_value, paid / tickets, 1e-6);
      g_clear_pointer (&stmt, sqlite3_finalize);
      g_free (sql);

      /* an order is an invoice, or a purchase without one at one moment */
      sql = g_strdup_printf ("SELECT sum(price * quantity) / 100.0 FROM sale "
                             "WHERE customer_id IN (%s) AND purchased < %" G_GINT64_FORMAT
                             " AND quantity > 0 GROUP BY customer_id, "
                             "coalesce (invoice, 'at ' || purchased) "
                             "HAVING count(price) > 0", in->str, cutoff);
      stmt = venue_prepare (venue (), sql);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          double value = sqlite3_column_double (stmt, 0);

          g_array_append_val (orders, value);
        }
      g_array_sort (orders, compare_double);
      g_assert_cmpuint (orders->len, >, 0);
      g_assert_cmpfloat_with_epsilon (f->median_order_value,
                                      orders->len % 2
                                      ? g_array_index (orders, double, orders->len / 2)
                                      : (g_array_index (orders, double, orders->len / 2 - 1) +
                                         g_array_index (orders, double, orders->len / 2)) / 2,
                                      1e-6);
      g_clear_pointer (&stmt, sqlite3_finalize);
      g_free (sql);

      sql = g_strdup_printf ("SELECT c.name FROM sale s JOIN category c ON c.id = s.category_id "
                             "WHERE customer_id IN (%s) AND purchased < %" G_GINT64_FORMAT
                             " AND quantity > 0 GROUP BY c.id "
                             "ORDER BY sum(quantity) DESC, c.id LIMIT 1", in->str, cutoff);
      stmt = venue_prepare (venue (), sql);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpstr (f->preferred_category, ==, (const char *)sqlite3_column_text (stmt, 0));
      g_assert_cmpint (f->preferred_weekday, >=, 1);
      g_assert_cmpint (f->preferred_weekday, <=, 7);
      g_assert_cmpfloat (f->avg_yearly_visits, >, 0);
      g_assert_cmpfloat (f->median_days_in_advance, >=, 0);
    }

  /* describing the same members again gives the same clusters */
  {
    g_autofree BhBuildMember *members = g_new (BhBuildMember, result->members->len + 1);

    memcpy (members, result->members->data, sizeof (BhBuildMember) * result->members->len);
    again = bh_builder_describe_clusters (snapshot, def, members, result->members->len,
                                          result->clusters->len, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (again->len, ==, result->clusters->len);
    for (guint k = 0; k < again->len; k++)
      {
        g_autoptr(JsonNode) a = bh_cluster_to_json (g_ptr_array_index (result->clusters, k));
        g_autoptr(JsonNode) b = bh_cluster_to_json (g_ptr_array_index (again, k));

        g_assert_true (json_node_equal (a, b));
      }
  }

}

static void
test_snapshot_basics (void)
{
  g_autoptr(BhSnapshot) snapshot = venue_snapshot (venue ());

  g_assert_cmpuint (bh_snapshot_get_n_customers (snapshot), ==, venue ()->n_customers);
  g_assert_cmpuint (bh_snapshot_get_n_events (snapshot), ==, venue ()->n_events);

  for (guint c = 0; c < bh_snapshot_get_n_customers (snapshot); c++)
    {
      g_autofree char *ext_id = g_strdup_printf ("C%04u", c);
      gint64 store_id = bh_snapshot_get_customer_store_id (snapshot, c);

      g_assert_cmpint (store_id, ==, c * 3 + 7);
      g_assert_cmpint (bh_snapshot_lookup_customer (snapshot, store_id), ==, c);
      g_assert_cmpstr (bh_snapshot_get_customer_ext_id (snapshot, c), ==, ext_id);
    }
  g_assert_cmpint (bh_snapshot_lookup_customer (snapshot, 8), ==, -1);
  g_assert_cmpint (bh_snapshot_lookup_customer (snapshot, -1), ==, -1);

  g_assert_true (bh_snapshot_ref (snapshot) == snapshot);
  bh_snapshot_unref (snapshot);
}

static void
test_builder_season_start (void)
{
  g_autoptr(Venue) v = venue_new (200, 60, 11);
  g_autoptr(BhDefinition) def = definition ("2024-07-15", "E001");
  g_autoptr(BhSnapshot) august = NULL;
  g_autoptr(BhSnapshot) october = NULL;
  g_autoptr(BhBuildResult) a = NULL;
  g_autoptr(BhBuildResult) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  GDate date;

  /* Everyone bought E000, of E001's series, dated 2022-09-01. As of
   * 2024-07-15 the previous season began on 2022-08-01 with the default
   * start, so E000 lies in the window; with seasons starting on
   * 1 October it began on 2022-10-01 and E000 does not. */
  venue_event_date (0, &date);
  g_assert_cmpuint (g_date_get_month (&date), ==, 9);
  g_assert_cmpuint (g_date_get_year (&date), ==, 2022);

  sql = g_strdup_printf ("INSERT INTO sale (id, customer_id, event_id, purchased, category_id, "
                         "quantity, price, base_price) "
                         "SELECT 7000000 + id, id, 1, %" G_GINT64_FORMAT ", 1, 1, 100, 100 "
                         "FROM customer", venue_time (2022, 8, 1, 12));
  venue_exec (v, sql);

  def->threshold = 0;
  august = venue_snapshot (v);
  a = run (august, def);

  bh_store_set_setting (v->store, "season-start", "10-01", &error);
  g_assert_no_error (error);
  october = venue_snapshot (v);
  b = run (october, def);

  g_assert_cmpuint (g_array_index (a->exclusions, BhExclusion, 3).count, >, 0);
  g_assert_cmpuint (g_array_index (b->exclusions, BhExclusion, 3).count, ==, 0);
}

static void
test_snapshot_empty (void)
{
  g_autofree char *dir = venue_make_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) store = bh_store_open (dir, &error);
  g_autoptr(BhSnapshot) snapshot = NULL;
  g_autoptr(BhDefinition) def = definition (AS_OF, "E001");
  g_autoptr(BhBuildResult) result = NULL;
  g_autoptr(JsonNode) report = NULL;

  g_assert_no_error (error);
  snapshot = bh_snapshot_load (store, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bh_snapshot_get_n_customers (snapshot), ==, 0);
  g_assert_cmpuint (bh_snapshot_get_n_events (snapshot), ==, 0);

  result = bh_builder_run (snapshot, def, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, BH_ERROR, BH_ERROR_NOT_FOUND);
  g_clear_error (&error);

  report = bh_builder_evaluate (snapshot, AS_OF, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (
                     json_node_get_object (report), "events")), ==, 0);

  g_clear_pointer (&snapshot, bh_snapshot_unref);
  g_clear_object (&store);
  venue_remove_dir (dir);
}

typedef struct
{
  BhSnapshot   *snapshot;
  BhDefinition *definition;
  char         *text;
} Concurrent;

static gpointer
concurrent_build (gpointer data)
{
  Concurrent *job = data;
  g_autoptr(BhBuildResult) result = run (job->snapshot, job->definition);

  job->text = result_text (result);

  return NULL;
}

static void
test_builder_threads (void)
{
  g_autoptr(BhSnapshot) shared = venue_snapshot (venue ());
  const char *days[] = { "2025-06-15", "2024-12-31", "2025-06-15", NULL };
  Concurrent jobs[3];
  GThread *threads[3];

  /* Builds with different as-of days share one snapshot at once, and
   * each gives what it gives alone on a fresh snapshot. */
  for (guint i = 0; i < 3; i++)
    {
      jobs[i].snapshot = shared;
      jobs[i].definition = definition (days[i], "E044,E048,E050");
      jobs[i].definition->mode = BH_MODE_SELECTIVE;
      jobs[i].definition->threshold = 0.05;
      jobs[i].text = NULL;
      threads[i] = g_thread_new ("test-build", concurrent_build, &jobs[i]);
    }

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(BhSnapshot) alone = venue_snapshot (venue ());
      g_autoptr(BhBuildResult) expected = NULL;
      g_autofree char *text = NULL;

      g_thread_join (threads[i]);
      expected = run (alone, jobs[i].definition);
      text = result_text (expected);
      g_assert_cmpstr (jobs[i].text, ==, text);

      g_free (jobs[i].text);
      bh_definition_free (jobs[i].definition);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/snapshot/basics", test_snapshot_basics);
  g_test_add_func ("/snapshot/empty", test_snapshot_empty);
  g_test_add_func ("/builder/matches-model", test_builder_matches_model);
  g_test_add_func ("/builder/exclusions-happen", test_builder_exclusions_happen);
  g_test_add_func ("/builder/inclusive-interested", test_builder_inclusive_interested);
  g_test_add_func ("/builder/monotonic", test_builder_monotonic);
  g_test_add_func ("/builder/lists", test_builder_lists);
  g_test_add_func ("/builder/max-customers", test_builder_max_customers);
  g_test_add_func ("/builder/deterministic", test_builder_deterministic);
  g_test_add_func ("/builder/estimate", test_builder_estimate);
  g_test_add_func ("/builder/as-of", test_builder_as_of_hides_later_sales);
  g_test_add_func ("/builder/errors", test_builder_errors);
  g_test_add_func ("/builder/clusters", test_builder_clusters);
  g_test_add_func ("/builder/season-start", test_builder_season_start);
  g_test_add_func ("/builder/threads", test_builder_threads);

  status = g_test_run ();
  g_clear_pointer (&shared_venue, venue_free);

  return status;
}
