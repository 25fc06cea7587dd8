/* bh-demo.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-demo"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "bh-demo.h"
#include "bh-demo-private.h"
#include "bh-error.h"
#include "bh-i18n.h"

/* The generator streams customers, their sales and their truth straight
 * into the files; only the events live in memory. Everything random comes
 * from one seeded generator per purpose (events) or per customer, so the
 * files depend on the seed, the customer count and the day alone. Numbers
 * and dates are formatted by hand: faster than printf, and independent of
 * the locale. */

#define WRITE_BUFFER_SIZE (4 * 1024 * 1024)
#define ROW_RESERVE 8192
#define NOISE_PER_MILLE 150
#define ANON_PER_MILLE 31
#define MAX_PROGRAM 6
#define LIST_EMPTY ((const char *const[]) { NULL })

/* Random numbers: xoshiro256** seeded through splitmix64. */

typedef struct
{
  guint64 s[4];
} Rng;

static inline guint64
splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);

  return z ^ (z >> 31);
}

static void
rng_init (Rng     *rng,
          guint64  seed,
          guint64  stream)
{
  guint64 state = seed ^ (stream * G_GUINT64_CONSTANT (0xd1342543de82ef95));

  for (guint i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&state);
}

static inline guint64
rotl (guint64 x,
      int     k)
{
  return (x << k) | (x >> (64 - k));
}

static inline guint64
rng_next (Rng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);

  return result;
}

/* A number in [0, n); the bias of the multiply is below 2^-32 here. */
static inline guint32
rng_below (Rng     *rng,
           guint32  n)
{
  return (guint32) (((rng_next (rng) >> 32) * (guint64) n) >> 32);
}

static inline int
rng_range (Rng *rng,
           int  lo,
           int  hi)
{
  g_assert (hi >= lo);

  return lo + (int) rng_below (rng, (guint32) (hi - lo + 1));
}

static inline double
rng_double (Rng *rng)
{
  return (double) (rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}

static inline gboolean
rng_percent (Rng   *rng,
             guint  percent)
{
  return rng_below (rng, 100) < percent;
}

static inline gboolean
rng_per_mille (Rng   *rng,
               guint  per_mille)
{
  return rng_below (rng, 1000) < per_mille;
}

static guint
list_length (const char *const *list)
{
  guint n = 0;

  while (list != NULL && list[n] != NULL)
    n++;

  return n;
}

static const char *
rng_pick (Rng               *rng,
          const char *const *list)
{
  guint n = list_length (list);

  g_assert (n > 0);

  return list[rng_below (rng, n)];
}

static guint
rng_weighted (Rng         *rng,
              const guint *weights,
              guint        n)
{
  guint total = 0;
  guint r;

  for (guint i = 0; i < n; i++)
    total += weights[i];
  r = rng_below (rng, total);
  for (guint i = 0; i < n; i++)
    {
      if (r < weights[i])
        return i;
      r -= weights[i];
    }

  g_assert_not_reached ();
}

/* Days since 1970-01-01 and back, for the proleptic Gregorian calendar.
 * Years are shifted to start in March so that the leap day comes last. */

static gint32
days_from_civil (int y,
                 int m,
                 int d)
{
  int era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

static void
civil_from_days (gint32  z,
                 int    *year,
                 int    *month,
                 int    *day)
{
  int era, doe, yoe, doy, mp, y;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp + (mp < 10 ? 3 : -9);
  *year = y + (*month <= 2);
}

/* 0 is Sunday. */
static inline int
weekday (gint32 days)
{
  return (int) (((days % 7) + 11) % 7);
}

static gint32
season_start (gint32 days)
{
  int y, m, d;

  civil_from_days (days, &y, &m, &d);

  return days_from_civil (m >= 8 ? y : y - 1, 8, 1);
}

/* Central European summer time runs from the last Sunday of March to the
 * last Sunday of October; purchases never fall into the switching hour. */
static gboolean
is_summer_time (gint32 days)
{
  int y, m, d;
  gint32 march_end, october_end, begin, end;

  civil_from_days (days, &y, &m, &d);
  march_end = days_from_civil (y, 3, 31);
  october_end = days_from_civil (y, 10, 31);
  begin = march_end - weekday (march_end);
  end = october_end - weekday (october_end);

  return days >= begin && days < end;
}

/* Buffered output with hand-rolled formatting. */

typedef struct
{
  const char    *name;
  GFile         *file;
  GOutputStream *stream;
  char          *buffer;
  gsize          length;
  guint64        rows;
  gboolean       existed;
} Writer;

static gboolean
writer_open (Writer      *w,
             const char  *dir,
             const char  *name,
             const char  *header,
             GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  w->name = name;
  w->file = g_file_new_for_path (path);
  w->existed = g_file_query_exists (w->file, NULL);
  w->stream = G_OUTPUT_STREAM (g_file_replace (w->file, NULL, FALSE,
                                               G_FILE_CREATE_REPLACE_DESTINATION,
                                               NULL, error));
  if (w->stream == NULL)
    return FALSE;

  w->buffer = g_malloc (WRITE_BUFFER_SIZE);
  w->length = strlen (header);
  memcpy (w->buffer, header, w->length);
  w->buffer[w->length++] = '\n';

  return TRUE;
}

static gboolean
writer_flush (Writer        *w,
              GCancellable  *cancellable,
              GError       **error)
{
  if (w->length == 0)
    return TRUE;

  if (!g_output_stream_write_all (w->stream, w->buffer, w->length, NULL,
                                  cancellable, error))
    {
      g_prefix_error (error, _("Cannot write %s: "), w->name);
      return FALSE;
    }
  w->length = 0;

  return TRUE;
}

/* Makes room for one row; rows are far shorter than ROW_RESERVE. */
static inline gboolean
writer_reserve (Writer        *w,
                GCancellable  *cancellable,
                GError       **error)
{
  if (w->length + ROW_RESERVE <= WRITE_BUFFER_SIZE)
    return TRUE;

  return writer_flush (w, cancellable, error);
}

static gboolean
writer_close (Writer        *w,
              GCancellable  *cancellable,
              GError       **error)
{
  if (!writer_flush (w, cancellable, error))
    return FALSE;

  if (!g_output_stream_close (w->stream, cancellable, error))
    {
      g_prefix_error (error, _("Cannot write %s: "), w->name);
      return FALSE;
    }

  return TRUE;
}

static void
writer_clear (Writer *w)
{
  if (w->stream != NULL && !g_output_stream_is_closed (w->stream))
    {
      g_autoptr(GCancellable) abandon = g_cancellable_new ();

      /* Closing cancelled keeps a file that existed before as it was;
       * a file this run began is removed. */
      g_cancellable_cancel (abandon);
      g_output_stream_close (w->stream, abandon, NULL);
      if (!w->existed)
        g_file_delete (w->file, NULL, NULL);
    }
  g_clear_object (&w->stream);
  g_clear_object (&w->file);
  g_clear_pointer (&w->buffer, g_free);
}

static inline void
put_char (Writer *w,
          char    c)
{
  w->buffer[w->length++] = c;
}

static inline void
put_mem (Writer     *w,
         const char *s,
         gsize       n)
{
  g_assert (w->length + n <= WRITE_BUFFER_SIZE);

  memcpy (w->buffer + w->length, s, n);
  w->length += n;
}

static inline void
put_str (Writer     *w,
         const char *s)
{
  put_mem (w, s, strlen (s));
}

static inline void
put_end (Writer *w)
{
  put_char (w, '\n');
  w->rows++;
}

/* A field, quoted as RFC 4180 wants when it holds a separator, a quote or
 * a line break. */
static void
put_field (Writer     *w,
           const char *s)
{
  if (strpbrk (s, ",\"\r\n") == NULL)
    {
      put_str (w, s);
      return;
    }

  put_char (w, '"');
  for (const char *p = s; *p != '\0'; p++)
    {
      if (*p == '"')
        put_char (w, '"');
      put_char (w, *p);
    }
  put_char (w, '"');
}

/* At least @width digits, with leading zeros. */
static inline void
put_padded (Writer  *w,
            guint64  value,
            int      width)
{
  char digits[24];
  int n = 0;

  do
    {
      digits[n++] = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value != 0);

  while (n < width)
    digits[n++] = '0';
  while (n > 0)
    put_char (w, digits[--n]);
}

static inline void
put_uint (Writer  *w,
          guint64  value)
{
  put_padded (w, value, 1);
}

static inline void
put_cents (Writer *w,
           guint   cents)
{
  put_uint (w, cents / 100);
  put_char (w, '.');
  put_padded (w, cents % 100, 2);
}

static inline void
put_date (Writer *w,
          gint32  days)
{
  int y, m, d;

  civil_from_days (days, &y, &m, &d);
  put_padded (w, (guint64) y, 4);
  put_char (w, '-');
  put_padded (w, (guint64) m, 2);
  put_char (w, '-');
  put_padded (w, (guint64) d, 2);
}

static inline void
put_time (Writer *w,
          guint   minute)
{
  put_padded (w, minute / 60, 2);
  put_char (w, ':');
  put_padded (w, minute % 60, 2);
}

/* The days sales can fall on, formatted once: a date and whether summer
 * time applies. */
typedef struct
{
  gint32   first;
  guint    n;
  char    *dates;
  guint8  *summer;
} Calendar;

static void
calendar_init (Calendar *cal,
               gint32    first,
               gint32    last)
{
  g_assert (last >= first);

  cal->first = first;
  cal->n = (guint) (last - first + 1);
  /* One more byte for the terminator the last date is written with. */
  cal->dates = g_malloc (cal->n * 10 + 1);
  cal->summer = g_malloc (cal->n);

  for (guint i = 0; i < cal->n; i++)
    {
      gint32 day = first + (gint32) i;
      int y, m, d;

      civil_from_days (day, &y, &m, &d);
      g_snprintf (cal->dates + i * 10, 11, "%04d-%02d-%02d", y, m, d);
      cal->summer[i] = is_summer_time (day);
    }
}

static void
calendar_clear (Calendar *cal)
{
  g_clear_pointer (&cal->dates, g_free);
  g_clear_pointer (&cal->summer, g_free);
}

/* Local time with its offset, as the box office records it. */
static inline void
put_datetime (Writer         *w,
              const Calendar *cal,
              gint32          days,
              guint           second_of_day)
{
  guint i = (guint) (days - cal->first);

  g_assert (days >= cal->first && i < cal->n);

  put_mem (w, cal->dates + i * 10, 10);
  put_char (w, 'T');
  put_time (w, second_of_day / 60);
  put_char (w, ':');
  put_padded (w, second_of_day % 60, 2);
  put_str (w, cal->summer[i] ? "+02:00" : "+01:00");
}

/* Ids sort as text in their order: E00042, C0001234. */
static inline void
put_event_id (Writer *w,
              guint   index,
              int     digits)
{
  put_char (w, 'E');
  put_padded (w, index + 1, digits);
}

static inline void
put_customer_id (Writer  *w,
                 guint64  id)
{
  put_char (w, 'C');
  put_padded (w, id, 7);
}

/* The programme. */

typedef struct
{
  const char *creator;
  const char *work;
} ProgramItem;

typedef struct
{
  char        *code;
  char        *title;
  char        *aspects;
  ProgramItem  program[MAX_PROGRAM];
  guint        n_program;
} Series;

typedef struct
{
  gint32  day;
  guint16 minute;
  guint8  hall;
  guint8  archetype;
  /* A second archetype for crossover programmes, or G_MAXUINT8. */
  guint8  archetype2;
  guint32 series;
  guint32 price_cents;
  guint32 weight;
} Event;

/* Events of one taste, by date, with cumulative weights for sampling. */
typedef struct
{
  guint   *events;
  guint64 *cumulative;
  gint32  *days;
  guint    n;
} EventIndex;

typedef struct
{
  const char      *out_dir;
  guint            n_customers;
  guint64          seed;
  gint32           today;
  gint32           first_day;
  gint32           last_day;
  BhProgressFunc   progress;
  gpointer         progress_data;
  GCancellable    *cancellable;

  GArray          *series;
  GArray          *events;
  EventIndex      *by_archetype;
  EventIndex       all;
  int              event_digits;
  guint            customer_shares[64];
  guint           *place_weights;
  Calendar         calendar;

  guint64          next_invoice;
  guint64          anon_debt;
  guint64          n_sales;
  guint64          n_anonymous;
  guint            n_opted_out;

  Writer           events_out;
  Writer           program_out;
  Writer           customers_out;
  Writer           sales_out;
  Writer           truth_out;
} Demo;

static void
series_clear (gpointer data)
{
  Series *s = data;

  g_free (s->code);
  g_free (s->title);
  g_free (s->aspects);
}

/* Adds "kind:value" unless the event has it already, as a crossover
 * may bring a composer twice. */
static void
aspect_add (GString    *aspects,
            const char *kind,
            const char *value)
{
  g_autofree char *item = g_strconcat (kind, ":", value, NULL);
  gsize n = strlen (item);

  g_assert (strchr (value, '|') == NULL);

  for (const char *p = strstr (aspects->str, item); p != NULL; p = strstr (p + 1, item))
    if ((p == aspects->str || p[-1] == '|') && (p[n] == '\0' || p[n] == '|'))
      return;

  if (aspects->len > 0)
    g_string_append_c (aspects, '|');
  g_string_append (aspects, item);
}

static const BhDemoCreator *
pick_creator (Rng                   *rng,
              const BhDemoArchetype *a)
{
  guint n = 0;

  while (a->creators[n].name != NULL)
    n++;

  return &a->creators[rng_below (rng, n)];
}

static void
program_add (Series     *s,
             const char *creator,
             const char *work)
{
  for (guint i = 0; i < s->n_program; i++)
    if (s->program[i].work == work)
      return;

  if (s->n_program < MAX_PROGRAM)
    {
      s->program[s->n_program].creator = creator;
      s->program[s->n_program].work = work;
      s->n_program++;
    }
}

/* Joins names as a programme line does: "Brahms, Schumann & Dvořák". */
static void
append_names (GString            *out,
              const char *const  *names,
              guint               n)
{
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, i + 1 == n ? " & " : ", ");
      g_string_append (out, names[i]);
    }
}

/* Makes one production: its aspects, works and title. */
static void
series_make (Series                *s,
             Rng                   *rng,
             guint                  archetype,
             guint                  archetype2)
{
  const BhDemoArchetype *a = &_bh_demo_archetypes[archetype];
  g_autoptr(GString) aspects = g_string_new (NULL);
  g_autoptr(GString) title = g_string_new (NULL);
  const char *creators[4];
  const char *soloist = NULL;
  const char *ensemble = NULL;
  guint n_creators = 0;
  guint n_wanted;

  aspect_add (aspects, "genre",
              a->genres[rng_weighted (rng, a->genre_weights, list_length (a->genres))]);

  n_wanted = (guint) rng_range (rng, 1, (int) a->creators_max);
  for (guint tries = 0; n_creators < n_wanted && tries < 8; tries++)
    {
      const BhDemoCreator *c = pick_creator (rng, a);
      gboolean seen = FALSE;

      for (guint i = 0; i < n_creators; i++)
        seen |= creators[i] == c->name;
      if (seen)
        continue;

      creators[n_creators++] = c->name;
      aspect_add (aspects, a->creator_kind, c->name);
      program_add (s, c->name, rng_pick (rng, c->works));
      if (a->title_style != BH_DEMO_TITLE_WORK && rng_percent (rng, 40))
        program_add (s, c->name, rng_pick (rng, c->works));
    }

  if (a->soloists != NULL && rng_percent (rng, a->soloist_percent))
    {
      soloist = rng_pick (rng, a->soloists);
      aspect_add (aspects, a->soloist_kind ? a->soloist_kind : "soloist", soloist);
      /* Operas have a cast. */
      if (a->directors != NULL)
        {
          const char *second = rng_pick (rng, a->soloists);

          if (second != soloist)
            aspect_add (aspects, "soloist", second);
        }
    }

  if (a->ensembles != NULL && rng_percent (rng, 92))
    {
      ensemble = rng_pick (rng, a->ensembles);
      aspect_add (aspects, a->ensemble_kind, ensemble);
    }
  if (a->leaders != NULL)
    aspect_add (aspects, a->leader_kind, rng_pick (rng, a->leaders));
  if (a->directors != NULL)
    aspect_add (aspects, "director", rng_pick (rng, a->directors));

  /* A crossover borrows a soloist or a composer from another taste. */
  if (archetype2 != G_MAXUINT8)
    {
      const BhDemoArchetype *b = &_bh_demo_archetypes[archetype2];

      if (b->soloists != NULL && rng_percent (rng, 50))
        aspect_add (aspects, b->soloist_kind ? b->soloist_kind : "soloist",
                    rng_pick (rng, b->soloists));
      else
        {
          const BhDemoCreator *c = pick_creator (rng, b);

          aspect_add (aspects, b->creator_kind, c->name);
          program_add (s, c->name, rng_pick (rng, c->works));
        }
    }

  aspect_add (aspects, "atmosphere", rng_pick (rng, a->atmospheres));
  if (rng_percent (rng, 30))
    aspect_add (aspects, "atmosphere", rng_pick (rng, a->atmospheres));

  switch (a->title_style)
    {
    case BH_DEMO_TITLE_WORK:
      if (g_str_equal (a->creator_kind, "author") && rng_percent (rng, 15))
        g_string_append_printf (title, "Gastspiel: \"%s\"", s->program[0].work);
      else
        g_string_append (title, s->program[0].work);
      break;

    case BH_DEMO_TITLE_PROGRAMME:
      g_string_append_printf (title, "%s: ", rng_pick (rng, a->series_names));
      append_names (title, creators, n_creators);
      break;

    case BH_DEMO_TITLE_SOLOIST:
      g_string_append_printf (title, "%s: %s spielt ",
                              rng_pick (rng, a->series_names),
                              soloist ? soloist : "Solistin");
      append_names (title, creators, n_creators);
      break;

    case BH_DEMO_TITLE_ENSEMBLE:
      g_string_append_printf (title, "%s: ", rng_pick (rng, a->series_names));
      if (ensemble != NULL)
        g_string_append (title, ensemble);
      else if (soloist != NULL)
        g_string_append (title, soloist);
      else
        append_names (title, creators, n_creators);
      break;

    default:
      g_assert_not_reached ();
    }

  s->aspects = g_string_free (g_steal_pointer (&aspects), FALSE);
  s->title = g_string_free (g_steal_pointer (&title), FALSE);
}

static guint
hall_weight (guint hall)
{
  return (_bh_demo_halls[hall].capacity + 400) / 100;
}

static guint
pick_hall (Rng                   *rng,
           const BhDemoArchetype *a)
{
  guint n = 0;

  while (a->halls[n] != BH_DEMO_N_HALLS)
    n++;

  return a->halls[rng_below (rng, n)];
}

/* Summer break from mid-July to the end of August, except outdoors. */
static gboolean
is_summer_break (gint32 day)
{
  int y, m, d;

  civil_from_days (day, &y, &m, &d);

  return (m == 7 && d > 14) || m == 8;
}

/* A day in the December of the season @day falls in, within the data. */
static gint32
december_day (Demo   *demo,
              Rng    *rng,
              gint32  day,
              gint32  span)
{
  int y, m, d;
  gint32 december;

  civil_from_days (season_start (day), &y, &m, &d);
  december = days_from_civil (y, 12, rng_range (rng, 1, 22));
  if (december + span > demo->last_day)
    december = days_from_civil (y - 1, 12, rng_range (rng, 1, 22));
  if (december < demo->first_day)
    december = days_from_civil (y + 1, 12, rng_range (rng, 1, 22));

  return december;
}

static gint32
september_first (gint32 day)
{
  int y, m, d;

  civil_from_days (day, &y, &m, &d);

  return days_from_civil (y, 9, 1);
}

static int
compare_events (gconstpointer a,
                gconstpointer b)
{
  const Event *x = a;
  const Event *y = b;

  if (x->day != y->day)
    return x->day < y->day ? -1 : 1;
  if (x->minute != y->minute)
    return x->minute < y->minute ? -1 : 1;
  if (x->hall != y->hall)
    return x->hall < y->hall ? -1 : 1;
  if (x->series != y->series)
    return x->series < y->series ? -1 : 1;

  return 0;
}

static void
make_events (Demo *demo)
{
  Rng rng;
  /* About one event per hundred customers, and a full programme for
   * the small demos that tests use. */
  guint n_target = MAX (demo->n_customers / 100, 300);
  guint shares[64];
  guint counters[8][64] = { { 0 } };

  g_assert (_bh_demo_n_archetypes <= 64);

  rng_init (&rng, demo->seed, G_GUINT64_CONSTANT (0xe7e7e7));
  /* Shares are of performances; a production of a long-running taste
   * takes several. */
  for (guint i = 0; i < _bh_demo_n_archetypes; i++)
    {
      const BhDemoArchetype *archetype = &_bh_demo_archetypes[i];

      shares[i] = archetype->event_share * 200
                  / (archetype->performances_min + archetype->performances_max);
    }

  demo->series = g_array_new (FALSE, TRUE, sizeof (Series));
  g_array_set_clear_func (demo->series, series_clear);
  demo->events = g_array_sized_new (FALSE, TRUE, sizeof (Event), n_target);

  while (demo->events->len < n_target)
    {
      guint archetype = rng_weighted (&rng, shares, _bh_demo_n_archetypes);
      const BhDemoArchetype *a = &_bh_demo_archetypes[archetype];
      guint archetype2 = G_MAXUINT8;
      guint n_perf = (guint) rng_range (&rng, (int) a->performances_min,
                                        (int) a->performances_max);
      guint hall = pick_hall (&rng, a);
      gint32 span = (gint32) n_perf * 7;
      /* A golden-ratio sequence spreads productions evenly over the years,
       * so that small demos have full seasons too. */
      guint64 spread = (guint64) demo->series->len * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
      gint32 day = demo->first_day
                   + (gint32) (((spread >> 32)
                                * (guint64) (demo->last_day - demo->first_day - span)) >> 32);
      guint popularity = (guint) rng_range (&rng, 30, 100);
      guint price;
      guint season;
      Series s = { 0 };
      guint series_id = demo->series->len;

      if (rng_percent (&rng, 12))
        {
          archetype2 = a->neighbour >= 0 && rng_percent (&rng, 60)
                       ? (guint) a->neighbour
                       : rng_below (&rng, _bh_demo_n_archetypes);
          if (archetype2 == archetype)
            archetype2 = G_MAXUINT8;
        }

      series_make (&s, &rng, archetype, archetype2);

      if (g_strv_contains (a->december_works ? a->december_works : LIST_EMPTY,
                           s.program[0].work))
        day = december_day (demo, &rng, day, span);
      else if (is_summer_break (day))
        {
          if (hall == BH_DEMO_HALL_GROSSER_SAAL || hall == BH_DEMO_HALL_STUDIO)
            hall = BH_DEMO_HALL_OPEN_AIR;
          else
            day += 50;
        }
      /* Single evenings mostly fall at the end of the week. */
      if (a->performances_max <= 3 && (weekday (day) == 2 || weekday (day) == 3) &&
          rng_percent (&rng, 60))
        day += 3;
      if (day + span > demo->last_day)
        day = demo->last_day - span;

      season = (guint) ((season_start (day) - demo->first_day) / 365);
      season = MIN (season, 7);
      {
        int sy, sm, sd;

        /* The series code names the season by its first year. */
        civil_from_days (season_start (day), &sy, &sm, &sd);
        s.code = g_strdup_printf ("%s-%d-%02u", a->code, sy,
                                  ++counters[season][archetype]);
      }

      price = _bh_demo_halls[hall].price_cents * a->price_percent / 100;
      price = price * (guint) rng_range (&rng, 85, 115) / 100;
      /* Prices rise by about 3 % a season. */
      price = price * (100 + 3 * season) / 100;
      price = MAX (500, (price + 50) / 100 * 100);

      for (guint p = 0; p < n_perf && demo->events->len < n_target; p++)
        {
          Event e = { 0 };
          int wday;

          /* The houses are dark in the summer break and on Mondays. */
          if (hall != BH_DEMO_HALL_OPEN_AIR && is_summer_break (day))
            day = september_first (day) + rng_range (&rng, 0, 6);
          if (weekday (day) == 1)
            day += rng_range (&rng, 1, 4);
          if (day > demo->last_day)
            break;
          wday = weekday (day);

          e.day = day;
          e.minute = (guint16) (wday == 0 ? a->sunday_minute : a->start_minute);
          e.hall = (guint8) hall;
          e.archetype = (guint8) archetype;
          e.archetype2 = (guint8) archetype2;
          e.series = series_id;
          e.price_cents = price;
          e.weight = popularity * hall_weight (hall);
          g_array_append_val (demo->events, e);

          day += a->performances_max >= 4 ? rng_range (&rng, 2, 9) : rng_range (&rng, 1, 3);
        }

      g_array_append_val (demo->series, s);
    }

  g_array_sort (demo->events, compare_events);
}

static void
event_index_build (EventIndex *index,
                   GArray     *events,
                   int         archetype)
{
  guint64 total = 0;
  guint n = 0;

  index->events = g_new (guint, events->len);
  index->days = g_new (gint32, events->len);
  index->cumulative = g_new (guint64, events->len + 1);
  index->cumulative[0] = 0;

  for (guint i = 0; i < events->len; i++)
    {
      const Event *e = &g_array_index (events, Event, i);
      guint64 weight = e->weight;

      if (archetype >= 0 && e->archetype != archetype && e->archetype2 != archetype)
        continue;
      /* A crossover draws fewer people from its second taste. */
      if (archetype >= 0 && e->archetype != archetype)
        weight = weight / 3 + 1;

      index->events[n] = i;
      index->days[n] = e->day;
      total += weight;
      index->cumulative[++n] = total;
    }

  index->n = n;
}

static void
event_index_clear (EventIndex *index)
{
  g_clear_pointer (&index->events, g_free);
  g_clear_pointer (&index->days, g_free);
  g_clear_pointer (&index->cumulative, g_free);
}

/* The first position whose day is on or after @day. */
static guint
event_index_lower (const EventIndex *index,
                   gint32            day)
{
  guint lo = 0;
  guint hi = index->n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (index->days[mid] < day)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/* An event between @from and @to (inclusive), drawn by weight; or
 * G_MAXUINT when there is none. */
static guint
event_index_pick (const EventIndex *index,
                  Rng              *rng,
                  gint32            from,
                  gint32            to)
{
  guint lo = event_index_lower (index, from);
  guint hi = event_index_lower (index, to + 1);
  guint64 base, span, target;

  if (lo >= hi)
    return G_MAXUINT;

  base = index->cumulative[lo];
  span = index->cumulative[hi] - base;
  target = base + rng_next (rng) % span;

  while (lo + 1 < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (index->cumulative[mid] <= target)
        lo = mid;
      else
        hi = mid;
    }

  return index->events[lo];
}

static gboolean
write_events (Demo    *demo,
              GError **error)
{
  for (guint i = 0; i < demo->events->len; i++)
    {
      const Event *e = &g_array_index (demo->events, Event, i);
      const Series *s = &g_array_index (demo->series, Series, e->series);
      const BhDemoHall *hall = &_bh_demo_halls[e->hall];
      Writer *w = &demo->events_out;
      Writer *p = &demo->program_out;

      if (!writer_reserve (w, demo->cancellable, error) ||
          !writer_reserve (p, demo->cancellable, error))
        return FALSE;

      put_event_id (w, i, demo->event_digits);
      put_char (w, ',');
      put_field (w, s->title);
      put_char (w, ',');
      put_date (w, e->day);
      put_char (w, ',');
      put_time (w, e->minute);
      put_char (w, ',');
      put_field (w, hall->venue);
      put_char (w, ',');
      put_field (w, hall->name);
      put_char (w, ',');
      put_field (w, hall->city);
      put_char (w, ',');
      put_uint (w, hall->capacity);
      put_char (w, ',');
      put_field (w, s->code);
      put_char (w, ',');
      put_field (w, s->aspects);
      put_end (w);

      for (guint j = 0; j < s->n_program; j++)
        {
          g_autofree char *work = g_strdup_printf ("%s (%s)", s->program[j].work,
                                                   s->program[j].creator);

          put_event_id (p, i, demo->event_digits);
          put_str (p, ",work,");
          put_field (p, work);
          put_end (p);
        }
    }

  return TRUE;
}

/* Customers. */

typedef struct
{
  guint   archetypes[3];
  guint   n_archetypes;
  gboolean subscriber;
  gint32  from;
  gint32  to;
  guint64 id;
  guint   lines;
  gint32  events_seen[8];
} Customer;

static void
customer_tastes (Demo     *demo,
                 Customer *c,
                 Rng      *rng)
{
  guint r = rng_below (rng, 100);
  guint wanted = r < 50 ? 1 : r < 85 ? 2 : 3;

  c->archetypes[0] = rng_weighted (rng, demo->customer_shares, _bh_demo_n_archetypes);
  c->n_archetypes = 1;

  while (c->n_archetypes < wanted)
    {
      const BhDemoArchetype *prev = &_bh_demo_archetypes[c->archetypes[c->n_archetypes - 1]];
      guint next;
      gboolean seen = FALSE;

      if (prev->neighbour >= 0 && rng_percent (rng, 45))
        next = (guint) prev->neighbour;
      else
        next = rng_weighted (rng, demo->customer_shares, _bh_demo_n_archetypes);

      for (guint i = 0; i < c->n_archetypes; i++)
        seen |= c->archetypes[i] == next;
      if (!seen)
        c->archetypes[c->n_archetypes++] = next;
    }
}

/* The taste behind one purchase: the primary dominates; -1 is noise. */
static int
pick_taste (const Customer *c,
            Rng            *rng)
{
  guint r;

  if (rng_per_mille (rng, NOISE_PER_MILLE))
    return -1;

  r = rng_below (rng, 100);
  switch (c->n_archetypes)
    {
    case 1:
      return (int) c->archetypes[0];
    case 2:
      return (int) c->archetypes[r < 70 ? 0 : 1];
    default:
      return (int) c->archetypes[r < 60 ? 0 : r < 85 ? 1 : 2];
    }
}

/* Minutes after midnight people buy at, mostly evenings. */
static guint
purchase_second (Rng *rng)
{
  static const guint hour_weights[24] = {
    1, 0, 0, 0, 0, 0, 1, 3, 6, 9, 10, 10, 10, 9, 9, 9, 10, 12, 14, 16, 16, 12, 7, 3,
  };
  guint hour = rng_weighted (rng, hour_weights, 24);

  return hour * 3600 + rng_below (rng, 3600);
}

typedef enum
{
  CATEGORY_REGULAR,
  CATEGORY_VIP,
  CATEGORY_SUBSCRIPTION,
  CATEGORY_COMP,
} Category;

static const char *const category_names[] = {
  "regular", "vip", "subscription", "comp",
};

static void
put_sale (Demo     *demo,
          guint64   customer,
          guint64   invoice,
          guint     event,
          gint32    day,
          guint     second,
          Category  category,
          guint     quantity,
          guint     sales_cents,
          guint     base_cents)
{
  Writer *w = &demo->sales_out;

  put_char (w, 'R');
  put_padded (w, invoice, 8);
  put_char (w, ',');
  if (customer == 0)
    put_str (w, "ANON");
  else
    put_customer_id (w, customer);
  put_char (w, ',');
  put_event_id (w, event, demo->event_digits);
  put_char (w, ',');
  put_datetime (w, &demo->calendar, day, second);
  put_char (w, ',');
  put_str (w, category_names[category]);
  put_char (w, ',');
  put_uint (w, quantity);
  put_char (w, ',');
  put_cents (w, sales_cents);
  put_char (w, ',');
  put_cents (w, base_cents);
  put_str (w, ",EUR");
  put_end (w);

  demo->n_sales++;
}

static guint
round_cents (guint cents,
             guint step)
{
  return (cents + step / 2) / step * step;
}

static guint
pick_quantity (Rng  *rng,
               guint archetype)
{
  static const guint weights[] = { 35, 48, 8, 9 };
  static const guint family_weights[] = { 5, 30, 35, 30 };
  gboolean families = _bh_demo_archetypes[archetype].families;

  return 1 + rng_weighted (rng, families ? family_weights : weights, 4);
}

/* One sale line at the usual prices: sometimes reduced, sometimes a
 * better seat, now and then a free ticket. */
static void
put_priced_sale (Demo     *demo,
                 Rng      *rng,
                 guint64   customer,
                 guint64   invoice,
                 guint     event_index,
                 gint32    day,
                 guint     second,
                 guint     quantity)
{
  const Event *e = &g_array_index (demo->events, Event, event_index);
  guint vip_percent = _bh_demo_archetypes[e->archetype].vip_percent;
  guint regular = e->price_cents;
  guint r = rng_below (rng, 1000);

  if (r < 15)
    {
      put_sale (demo, customer, invoice, event_index, day, second,
                CATEGORY_COMP, quantity, 0, regular);
    }
  else if (r < 15 + vip_percent * 10)
    {
      guint vip = round_cents (regular * 18 / 10, 500);

      put_sale (demo, customer, invoice, event_index, day, second,
                CATEGORY_VIP, quantity, vip, vip);
    }
  else
    {
      guint price = regular;
      guint d = rng_below (rng, 100);

      /* Students and pupils pay half, seniors and members less. */
      if (d < 7)
        price = round_cents (regular / 2, 50);
      else if (d < 12)
        price = round_cents (regular * 3 / 4, 50);
      else if (d < 15)
        price = round_cents (regular * 9 / 10, 10);

      put_sale (demo, customer, invoice, event_index, day, second,
                CATEGORY_REGULAR, quantity, price, regular);
    }
}

static const EventIndex *
taste_index (Demo *demo,
             int   taste)
{
  return taste < 0 ? &demo->all : &demo->by_archetype[taste];
}

/* A subscription: several evenings of the primary taste in one season,
 * bought together in early summer. Returns the lines written. */
static guint
subscription_invoice (Demo     *demo,
                      Rng      *rng,
                      Customer *c)
{
  const EventIndex *index = &demo->by_archetype[c->archetypes[0]];
  guint first = event_index_pick (index, rng, c->from, c->to);
  gint32 start, day;
  guint second, quantity, n, lines = 0;
  guint chosen[5];
  guint n_chosen = 0;
  guint64 invoice;

  if (first == G_MAXUINT)
    return 0;

  start = season_start (g_array_index (demo->events, Event, first).day);
  day = start - rng_range (rng, 15, 70);
  if (day > demo->today)
    return 0;

  second = purchase_second (rng);
  quantity = rng_percent (rng, 55) ? 2 : 1;
  n = (guint) rng_range (rng, 3, 5);
  chosen[n_chosen++] = first;
  for (guint tries = 0; n_chosen < n && tries < 12; tries++)
    {
      guint next = event_index_pick (index, rng, start, start + 340);
      gboolean seen = FALSE;

      if (next == G_MAXUINT)
        break;
      for (guint i = 0; i < n_chosen; i++)
        seen |= chosen[i] == next || g_array_index (demo->events, Event, chosen[i]).series
                                     == g_array_index (demo->events, Event, next).series;
      if (!seen)
        chosen[n_chosen++] = next;
    }

  invoice = ++demo->next_invoice;
  for (guint i = 0; i < n_chosen; i++)
    {
      const Event *e = &g_array_index (demo->events, Event, chosen[i]);
      guint price = round_cents (e->price_cents * 8 / 10, 10);

      put_sale (demo, c->id, invoice, chosen[i], day, second,
                CATEGORY_SUBSCRIPTION, quantity, price, e->price_cents);
      lines++;
    }

  return lines;
}

/* An ordinary order: one event, sometimes more of the same taste bought
 * with it. Returns the lines written. */
static guint
ticket_invoice (Demo     *demo,
                Rng      *rng,
                Customer *c,
                int       taste)
{
  const EventIndex *index = taste_index (demo, taste);
  guint first = event_index_pick (index, rng, c->from, c->to);
  const Event *e;
  guint mean, lead, second, extra, lines = 0;
  guint chosen[3];
  guint n_chosen = 0;
  gint32 day;
  guint64 invoice;

  if (first == G_MAXUINT)
    return 0;

  e = &g_array_index (demo->events, Event, first);
  mean = _bh_demo_archetypes[taste < 0 ? e->archetype : (guint) taste].lead_days;
  lead = (guint) (-log (1.0 - rng_double (rng)) * mean);
  lead = MIN (lead, 330);
  day = e->day - (gint32) lead;
  if (day > demo->today)
    return 0;

  second = purchase_second (rng);
  if (lead == 0 && second + 1800 > e->minute * 60u)
    second = (guint) rng_range (rng, 8 * 3600, (int) e->minute * 60 - 1800);

  chosen[n_chosen++] = first;
  extra = taste < 0 ? 0 : rng_below (rng, 100) < 26 ? (rng_percent (rng, 30) ? 2 : 1) : 0;
  for (guint i = 0; i < extra; i++)
    {
      guint next = event_index_pick (index, rng, day + 1, day + 150);
      gboolean seen = FALSE;

      if (next == G_MAXUINT)
        break;
      for (guint j = 0; j < n_chosen; j++)
        seen |= chosen[j] == next;
      if (!seen)
        chosen[n_chosen++] = next;
    }

  invoice = ++demo->next_invoice;
  for (guint i = 0; i < n_chosen; i++)
    {
      const Event *ce = &g_array_index (demo->events, Event, chosen[i]);

      put_priced_sale (demo, rng, c->id, invoice, chosen[i], day, second,
                       pick_quantity (rng, ce->archetype));
      lines++;
    }

  return lines;
}

/* Box-office sales without a customer, on the day or the day before. */
static void
anonymous_invoice (Demo *demo,
                   Rng  *rng)
{
  guint event = event_index_pick (&demo->all, rng, demo->first_day, demo->today);
  const Event *e;
  gint32 day;
  guint second;

  if (event == G_MAXUINT)
    return;

  e = &g_array_index (demo->events, Event, event);
  day = e->day - (rng_percent (rng, 70) ? 0 : 1);
  if (day == e->day)
    second = (guint) rng_range (rng, (int) e->minute * 60 - 3 * 3600,
                                (int) e->minute * 60 - 600);
  else
    second = (guint) rng_range (rng, 10 * 3600, 18 * 3600);

  put_priced_sale (demo, rng, 0, ++demo->next_invoice, event, day, second,
                   (guint) rng_range (rng, 1, 2));
  demo->n_anonymous++;
}

/* How many sale lines a customer aims at: a heavy tail (Lomax) with a mean
 * near twenty, so a few regulars buy hundreds and most buy a handful. */
static guint
customer_activity (Rng *rng)
{
  double u = 1.0 - rng_double (rng);
  double x = 26.0 * (pow (u, -1.0 / 2.3) - 1.0);

  return 1 + (guint) MIN (x, 800.0);
}

static void
put_email (Writer     *w,
           Rng        *rng,
           const char *first,
           const char *last,
           int         birth_year)
{
  static const struct { const char *from, *to; } plain[] = {
    { "ä", "ae" }, { "ö", "oe" }, { "ü", "ue" }, { "ß", "ss" }, { "é", "e" },
    { "è", "e" }, { "ë", "e" }, { "ç", "c" }, { "ø", "o" }, { "ı", "i" },
    { "ş", "s" }, { "á", "a" }, { "ř", "r" }, { "ž", "z" },
  };
  const char *parts[2] = { first, last };
  guint style = rng_below (rng, 10);

  for (guint k = 0; k < 2; k++)
    {
      if (k == 1)
        {
          if (style < 5)
            put_char (w, '.');
          else if (style < 7)
            put_char (w, '_');
        }
      if (k == 0 && style == 9)
        {
          put_char (w, g_ascii_tolower (first[0]));
          put_char (w, '.');
          continue;
        }

      for (const char *p = parts[k]; *p != '\0';)
        {
          gboolean done = FALSE;

          for (guint i = 0; i < G_N_ELEMENTS (plain) && !done; i++)
            {
              gsize n = strlen (plain[i].from);

              if (strncmp (p, plain[i].from, n) == 0)
                {
                  put_str (w, plain[i].to);
                  p += n;
                  done = TRUE;
                }
            }
          if (done)
            continue;

          if (g_ascii_isalnum (*p))
            put_char (w, g_ascii_tolower (*p));
          p++;
        }
    }

  if (style >= 7)
    put_uint (w, (guint64) (style == 8 ? birth_year : rng_range (rng, 1, 99)));
  put_char (w, '@');
  put_str (w, rng_pick (rng, _bh_demo_mail_domains));
}

static void
write_customer_row (Demo     *demo,
                    Rng      *rng,
                    Customer *c)
{
  static const char *const opted_out[] = { "true", "1", "yes", "ja" };
  static const char *const not_opted_out[] = { "false", "0", "no", "nein" };
  Writer *w = &demo->customers_out;
  const BhDemoPlace *place = &_bh_demo_places[rng_weighted (rng, demo->place_weights,
                                                            _bh_demo_n_places)];
  gboolean female = rng_percent (rng, 54);
  const char *first = rng_pick (rng, female ? _bh_demo_female_names : _bh_demo_male_names);
  const char *last = rng_pick (rng, _bh_demo_last_names);
  const char *street;
  const BhDemoArchetype *primary = &_bh_demo_archetypes[c->archetypes[0]];
  int birth_year;
  guint r;

  /* Classical audiences are older; a sum of three draws gives a hump. */
  birth_year = 1938 + rng_range (rng, 0, 22) + rng_range (rng, 0, 22) + rng_range (rng, 0, 22);
  birth_year = MIN (birth_year + (int) primary->youth_years, 2006);

  if (g_str_equal (place->country, "CH"))
    street = rng_pick (rng, _bh_demo_streets_ch);
  else if (g_str_equal (place->country, "FR"))
    street = rng_pick (rng, _bh_demo_streets_fr);
  else
    street = rng_pick (rng, _bh_demo_streets_de);

  put_customer_id (w, c->id);
  put_char (w, ',');
  r = rng_below (rng, 100);
  if (r >= 3)
    {
      put_str (w, female ? "Frau" : "Herr");
      if (r >= 95)
        put_str (w, " Dr.");
    }
  put_char (w, ',');
  put_field (w, first);
  put_char (w, ',');
  put_field (w, last);
  put_char (w, ',');
  put_field (w, street);
  put_char (w, ',');
  put_uint (w, (guint64) (1 + rng_below (rng, 40) + rng_below (rng, 40) * rng_below (rng, 3)));
  if (rng_percent (rng, 8))
    put_char (w, (char) ('a' + rng_below (rng, 3)));
  put_char (w, ',');
  put_str (w, place->post_code);
  put_char (w, ',');
  put_field (w, place->city);
  put_char (w, ',');
  put_str (w, place->country);
  put_char (w, ',');
  if (rng_percent (rng, 92))
    put_email (w, rng, first, last, birth_year);
  put_char (w, ',');
  if (rng_percent (rng, 10))
    {
      put_str (w, opted_out[rng_below (rng, 4)]);
      demo->n_opted_out++;
    }
  else if (rng_percent (rng, 20))
    put_str (w, not_opted_out[rng_below (rng, 4)]);
  put_char (w, ',');
  if (c->lines >= 80)
    put_str (w, "Platin");
  else if (c->lines >= 35)
    put_str (w, "Gold");
  else if (c->lines >= 15)
    put_str (w, "Silber");
  put_char (w, ',');
  put_uint (w, (guint64) birth_year);
  put_end (w);
}

static void
write_truth_row (Demo     *demo,
                 Customer *c)
{
  Writer *w = &demo->truth_out;

  put_customer_id (w, c->id);
  put_char (w, ',');
  for (guint i = 0; i < c->n_archetypes; i++)
    {
      if (i > 0)
        put_char (w, '|');
      put_str (w, _bh_demo_archetypes[c->archetypes[i]].key);
    }
  put_end (w);
}

static gboolean
write_customer (Demo    *demo,
                guint    i,
                GError **error)
{
  Customer c = { 0 };
  Rng rng;
  guint target, tries;
  gint32 length;

  rng_init (&rng, demo->seed, (guint64) i + 1);
  c.id = (guint64) i + 1;
  customer_tastes (demo, &c, &rng);
  target = customer_activity (&rng);

  /* The years a customer comes: heavy buyers stay longer. */
  c.from = demo->first_day - 700
           + (gint32) rng_below (&rng, (guint32) (demo->today - demo->first_day + 640));
  length = 200 + (gint32) rng_below (&rng, 900) + (gint32) MIN (target, 100) * 15;
  c.to = MIN (c.from + length, demo->last_day);
  c.from = MAX (c.from, demo->first_day);
  if (c.to - c.from < 120)
    c.from = MAX (demo->first_day, c.to - 365);
  c.subscriber = rng_percent (&rng, _bh_demo_archetypes[c.archetypes[0]].subscriber_percent);

  for (tries = 0; c.lines < target && tries < 4 * target + 8; tries++)
    {
      int taste = pick_taste (&c, &rng);

      if (!writer_reserve (&demo->sales_out, demo->cancellable, error))
        return FALSE;

      if (c.subscriber && taste == (int) c.archetypes[0] && rng_percent (&rng, 25))
        c.lines += subscription_invoice (demo, &rng, &c);
      else
        c.lines += ticket_invoice (demo, &rng, &c, taste);
    }

  demo->anon_debt += (guint64) c.lines * ANON_PER_MILLE;
  while (demo->anon_debt >= 1000 - ANON_PER_MILLE)
    {
      if (!writer_reserve (&demo->sales_out, demo->cancellable, error))
        return FALSE;
      anonymous_invoice (demo, &rng);
      demo->anon_debt -= MIN (demo->anon_debt, 1000 - ANON_PER_MILLE);
    }

  if (!writer_reserve (&demo->customers_out, demo->cancellable, error) ||
      !writer_reserve (&demo->truth_out, demo->cancellable, error))
    return FALSE;
  write_customer_row (demo, &rng, &c);
  write_truth_row (demo, &c);

  return TRUE;
}

static void
demo_clear (Demo *demo)
{
  writer_clear (&demo->events_out);
  writer_clear (&demo->program_out);
  writer_clear (&demo->customers_out);
  writer_clear (&demo->sales_out);
  writer_clear (&demo->truth_out);
  if (demo->by_archetype != NULL)
    for (guint i = 0; i < _bh_demo_n_archetypes; i++)
      event_index_clear (&demo->by_archetype[i]);
  g_clear_pointer (&demo->by_archetype, g_free);
  event_index_clear (&demo->all);
  calendar_clear (&demo->calendar);
  g_clear_pointer (&demo->place_weights, g_free);
  g_clear_pointer (&demo->events, g_array_unref);
  g_clear_pointer (&demo->series, g_array_unref);
}

static void
report (Demo       *demo,
        double      fraction,
        const char *message)
{
  if (demo->progress != NULL)
    demo->progress (fraction, message, demo->progress_data);
}

static gboolean
demo_run (Demo    *demo,
          GError **error)
{
  guint step = MAX (demo->n_customers / 100, 1);

  if (g_mkdir_with_parents (demo->out_dir, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create folder %s: %s"), demo->out_dir, g_strerror (saved));
      return FALSE;
    }

  report (demo, 0.0, _("Planning the seasons"));
  make_events (demo);
  demo->event_digits = demo->events->len >= 100000 ? 6 : 5;
  demo->by_archetype = g_new0 (EventIndex, _bh_demo_n_archetypes);
  for (guint i = 0; i < _bh_demo_n_archetypes; i++)
    event_index_build (&demo->by_archetype[i], demo->events, (int) i);
  event_index_build (&demo->all, demo->events, -1);
  /* Purchases start at most a year before the first season. */
  calendar_init (&demo->calendar, demo->first_day - 400, demo->last_day);
  g_assert (_bh_demo_n_archetypes <= G_N_ELEMENTS (demo->customer_shares));
  for (guint i = 0; i < _bh_demo_n_archetypes; i++)
    demo->customer_shares[i] = _bh_demo_archetypes[i].customer_share;
  demo->place_weights = g_new (guint, _bh_demo_n_places);
  for (guint i = 0; i < _bh_demo_n_places; i++)
    demo->place_weights[i] = _bh_demo_places[i].weight;

  if (!writer_open (&demo->events_out, demo->out_dir, "events.csv",
                    "event_id,title,date,time,venue,hall,city,capacity,series,aspects", error) ||
      !writer_open (&demo->program_out, demo->out_dir, "program.csv",
                    "event_id,kind,value", error) ||
      !writer_open (&demo->customers_out, demo->out_dir, "customers.csv",
                    "customer_id,salutation,first_name,last_name,street,house_number,"
                    "post_code,city,country,email,ad_opt_out,loyalty_tier,birth_year", error) ||
      !writer_open (&demo->sales_out, demo->out_dir, "sales.csv",
                    "invoice_number,customer_id,event_id,purchase_datetime,"
                    "ticket_category,quantity,sales_price,base_price,currency", error) ||
      !writer_open (&demo->truth_out, demo->out_dir, "truth.csv",
                    "customer_id,archetypes", error))
    return FALSE;

  report (demo, 0.01, _("Writing events"));
  if (!write_events (demo, error))
    return FALSE;

  for (guint i = 0; i < demo->n_customers; i++)
    {
      if (i % step == 0)
        {
          if (g_cancellable_set_error_if_cancelled (demo->cancellable, error))
            return FALSE;
          report (demo, 0.02 + 0.97 * i / demo->n_customers, _("Writing customers and sales"));
        }

      if (!write_customer (demo, i, error))
        return FALSE;
    }

  if (!writer_close (&demo->events_out, demo->cancellable, error) ||
      !writer_close (&demo->program_out, demo->cancellable, error) ||
      !writer_close (&demo->customers_out, demo->cancellable, error) ||
      !writer_close (&demo->truth_out, demo->cancellable, error) ||
      !writer_close (&demo->sales_out, demo->cancellable, error))
    return FALSE;

  report (demo, 1.0, NULL);

  return TRUE;
}

gboolean
bh_demo_write (const char      *out_dir,
               guint            n_customers,
               guint64          seed,
               GDateTime       *today,
               BhProgressFunc   progress,
               gpointer         progress_data,
               GCancellable    *cancellable,
               GError         **error)
{
  g_autoptr(GDateTime) now = NULL;
  Demo demo = { 0 };
  gint64 started = g_get_monotonic_time ();
  gboolean ok;
  int y, m, d;

  g_return_val_if_fail (out_dir != NULL, FALSE);
  g_return_val_if_fail (n_customers > 0, FALSE);
  g_return_val_if_fail (n_customers <= 99999999, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (today == NULL)
    today = now = g_date_time_new_now_local ();
  g_date_time_get_ymd (today, &y, &m, &d);

  demo.out_dir = out_dir;
  demo.n_customers = n_customers;
  demo.seed = seed;
  demo.today = days_from_civil (y, m, d);
  /* Five past seasons before the current one, and a year of programme
   * ahead with pre-sales up to today. */
  demo.first_day = days_from_civil (y - (m >= 8 ? 5 : 6), 8, 1);
  demo.last_day = demo.today + 365;
  demo.progress = progress;
  demo.progress_data = progress_data;
  demo.cancellable = cancellable;

  ok = demo_run (&demo, error);
  if (ok)
    g_debug ("Demo data: %u events, %u customers (%u opted out), "
             "%" G_GUINT64_FORMAT " sales (%" G_GUINT64_FORMAT " anonymous) in %.1f s",
             demo.events->len, n_customers, demo.n_opted_out, demo.n_sales,
             demo.n_anonymous, (g_get_monotonic_time () - started) / 1e6);
  demo_clear (&demo);

  return ok;
}
