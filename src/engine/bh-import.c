/* bh-import.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-import"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "bh-csv.h"
#include "bh-error.h"
#include "bh-format.h"
#include "bh-i18n.h"
#include "bh-import.h"
#include "bh-import-private.h"
#include "bh-snapshot-private.h"

/*
 * The import reads a venue's CSV exports in the order events, program,
 * customers, sales, so that each reference can be checked against what
 * the store holds and what this import brings, and every problem can name
 * its file, line and column. Sales go into compact arrays, in buckets by
 * the top bits of their rowid.
 *
 * Everything is written in one transaction, by a writer thread that alone
 * uses the store while it runs: events and customers while the sales are
 * still being read, then the sales bucket by bucket in rowid order while
 * the next bucket is sorted. A bad row, an error or a cancellation rolls
 * the transaction back, so the store is left as it was.
 *
 * A sale's store rowid is a 63-bit hash of its identity. Storing sales in
 * rowid order makes the first import append to the table, and a later
 * import finds an earlier row of the same sale without an index.
 */

#define PROGRESS_ROWS   65536
#define READ_SHARE      0.8
#define CACHED_DAYS     65536
#define OFFSET_UNKNOWN  G_MININT32
#define OFFSET_MIXED    G_MAXINT32
#define PRICE_NONE      G_MININT32
#define INVOICE_NONE    G_MININT64
#define INVOICE_PACKED  (-G_GINT64_CONSTANT (0x4000000000000000))
#define INSERT_BATCH    64
#define N_BUCKETS       256
#define BUCKET_SHIFT    55
#define BLOCK_SALES     8192

typedef enum
{
  KIND_EVENTS,
  KIND_PROGRAM,
  KIND_CUSTOMERS,
  KIND_SALES,
  N_KINDS
} Kind;

static const char * const kind_names[N_KINDS] = {
  "events", "program", "customers", "sales",
};

/* Columns each kind knows; the required ones are marked. */
typedef struct
{
  const char *name;
  gboolean    required;
} Column;

enum { E_ID, E_TITLE, E_DATE, E_TIME, E_VENUE, E_HALL, E_CITY, E_CAPACITY, E_SERIES,
       E_ASPECTS, N_E };
static const Column event_columns[] = {
  { "event_id", TRUE }, { "title", TRUE }, { "date", TRUE }, { "time", FALSE },
  { "venue", FALSE }, { "hall", FALSE }, { "city", FALSE }, { "capacity", FALSE },
  { "series", FALSE }, { "aspects", FALSE },
};

enum { P_EVENT, P_KIND, P_VALUE, N_P };
static const Column program_columns[] = {
  { "event_id", TRUE }, { "kind", TRUE }, { "value", TRUE },
};

/* The customer's text columns come first, in the order of the table. */
enum { C_SALUTATION, C_FIRST_NAME, C_LAST_NAME, C_STREET, C_HOUSE_NUMBER, C_POST_CODE,
       C_CITY, C_COUNTRY, C_EMAIL, N_C_TEXT, C_ID = N_C_TEXT, C_OPT_OUT, N_C };
static const Column customer_columns[] = {
  { "salutation", FALSE }, { "first_name", FALSE }, { "last_name", FALSE },
  { "street", FALSE }, { "house_number", FALSE }, { "post_code", FALSE },
  { "city", FALSE }, { "country", FALSE }, { "email", FALSE },
  { "customer_id", TRUE }, { "ad_opt_out", FALSE },
};

enum { S_SALE_ID, S_INVOICE, S_CUSTOMER, S_EVENT, S_PURCHASED, S_CATEGORY, S_QUANTITY,
       S_PRICE, S_BASE_PRICE, S_CURRENCY, N_S };
static const Column sale_columns[] = {
  { "sale_id", FALSE }, { "invoice_number", FALSE }, { "customer_id", TRUE },
  { "event_id", TRUE }, { "purchase_datetime", TRUE }, { "ticket_category", FALSE },
  { "quantity", FALSE }, { "sales_price", FALSE }, { "base_price", FALSE },
  { "currency", FALSE },
};

#define MAX_COLUMNS 12
#define BUFFER_SIZE (1024 * 1024)

/* Sales files from this size on are read by two threads. */
static guint64 split_min = 64 * 1024 * 1024;

void
_bh_import_set_split_min (guint64 size)
{
  split_min = size;
}

typedef struct
{
  guint64 added;
  guint64 changed;
  guint64 unchanged;
  guint64 rejected;
  guint64 duplicates;
} Counts;

typedef struct
{
  char    *path;
  char    *basename;
  Kind     kind;
  guint64  size;
  guint    index;
} InputFile;

typedef struct
{
  gint64      id;
  const char *kind;
  const char *value;
  gboolean    is_new;
} Aspect;

typedef struct
{
  const char *title;
  const char *date;
  const char *time;
  const char *venue;
  const char *hall;
  const char *city;
  const char *series;
  gint64      capacity;   /* -1 if none */
  GArray     *aspects;    /* of gint64, sorted */
} EventData;

typedef struct
{
  const char *ext_id;
  gint64      id;
  gboolean    in_store;
  gboolean    in_file;
  gboolean    touched;
  EventData   old;
  EventData   now;
} Event;

/* A customer row of customers.csv. A text field is NULL when empty and
 * points at absent[] when the file has no such column, which keeps the
 * stored value. */
typedef struct
{
  const char *ext_id;
  const char *text[N_C_TEXT];
  const char *extra;
  gint64      id;
  int         opt_out;    /* -1 if the file has no such column */
} CustomerRow;

/* One sale, compact: twenty million of them must fit in memory. */
typedef struct
{
  guint64  rowid;
  gint64   invoice;       /* see pack_invoice() */
  guint32  purchased;     /* Unix time, seconds */
  guint32  customer;      /* store id; 0 for ANON */
  guint32  event;         /* store id */
  gint32   price;         /* cents or PRICE_NONE */
  gint32   base_price;
  guint32  line;
  guint32  ext;           /* sale_id: offset + 1 into pool; 0 if none */
  guint16  quantity;      /* 0 marks a row that a later one replaces */
  guint16  category;      /* id; 0 if none */
  guint8   currency;      /* index into currencies; 0 for EUR */
  guint8   file;
} Sale;

/* Sales whose rowids share their top eight bits, in blocks of
 * BLOCK_SALES, so that twenty million sales need no huge reallocation
 * and each bucket sorts on its own, in the cache. */
typedef struct
{
  GPtrArray *blocks;
  gsize      n;
} Bucket;

typedef enum
{
  JOB_EVENTS_AND_CUSTOMERS,
  JOB_SALES_BEGIN,
  JOB_SALES,
  JOB_STOP,
} JobKind;

/* Work for the writer thread; sales, if any, are sorted and its own. */
typedef struct
{
  JobKind  kind;
  Sale    *sales;
  gsize    n;
} Job;

typedef struct
{
  sqlite3_stmt *insert;
  sqlite3_stmt *insert_batch;
  sqlite3_stmt *update;
  sqlite3_stmt *select;
  const Sale   *batch[INSERT_BATCH];
  guint         n_batch;
  gboolean      store_has_sales;
  gboolean      begun;
  guint64       done;
  gint64        started;
} SalesWriter;

typedef struct _Run Run;

/* What one reading thread keeps to itself. */
typedef struct
{
  Run         *run;
  guint        index;

  /* The row being read. */
  gboolean     row_bad;
  guint        row_column;
  GString     *row_reasons;

  Bucket       buckets[N_BUCKETS];
  guint64      n_sales;
  guint64      n_anonymous;
  guint64      rows;
  gint32      *day_offsets;
  GByteArray  *pool;            /* invoices and sale ids as text */
  GHashTable  *categories;      /* name → id, of those it met */
  char         currency_codes[8][4];
  guint8       currency_ids[8];
  guint        n_currency_codes;
} Reading;

#define N_READINGS 2

struct _Run
{
  BhStore         *store;
  sqlite3         *db;
  GCancellable    *cancellable;
  BhProgressFunc   progress;
  gpointer         progress_data;

  GPtrArray       *files;
  guint64          total_bytes;
  guint64          done_bytes;

  GStringChunk    *strings;

  GPtrArray       *problems;
  guint64          n_problems;
  gboolean         fatal;
  GString         *rejects;
  guint64          n_rejected;

  GString         *json;

  GHashTable      *events;          /* ext_id → Event */
  GPtrArray       *event_list;
  gint64           next_event_id;
  GHashTable      *aspects;         /* "kind\x1fvalue" → Aspect */
  GPtrArray       *aspect_list;
  gint64           next_aspect_id;

  GHashTable      *customer_ids;    /* ext_id → id */
  GHashTable      *customer_rows;   /* ext_id → index + 1 into customers */
  GArray          *customers;
  gint64           first_new_customer_id;
  gint64           next_customer_id;

  GHashTable      *categories;      /* name → id */
  GPtrArray       *new_categories;
  gint64           next_category_id;

  char             currencies[256][4];
  guint            n_currencies;

  /* The main thread's reading, and a helper's for a part of a large
   * sales file. */
  Reading          readings[N_READINGS];
  guint64          n_sales;
  guint64          n_anonymous;

  /* Writing runs in its own thread while reading goes on; it alone
   * uses the store from the first job to JOB_STOP. */
  GThread         *writer;
  GAsyncQueue     *jobs;
  GAsyncQueue     *consumed;        /* a token per JOB_SALES done */
  GError          *writer_error;
  SalesWriter      sales_writer;
  GMutex           lock;            /* problems, rejects, categories, currencies */
  int              helper_rows;     /* atomic: rows the helper has read */

  GTimeZone       *tz;

  Counts           counts[N_KINDS];
};

static char absent[] = "";

static void
input_file_free (gpointer data)
{
  InputFile *file = data;

  g_free (file->path);
  g_free (file->basename);
  g_free (file);
}

static void
event_free (gpointer data)
{
  Event *event = data;

  g_clear_pointer (&event->old.aspects, g_array_unref);
  g_clear_pointer (&event->now.aspects, g_array_unref);
  g_free (event);
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->files, g_ptr_array_unref);
  g_clear_pointer (&run->strings, g_string_chunk_free);
  g_clear_pointer (&run->problems, g_ptr_array_unref);
  if (run->rejects)
    g_string_free (run->rejects, TRUE);
  if (run->json)
    g_string_free (run->json, TRUE);
  g_clear_pointer (&run->events, g_hash_table_unref);
  g_clear_pointer (&run->event_list, g_ptr_array_unref);
  g_clear_pointer (&run->aspects, g_hash_table_unref);
  g_clear_pointer (&run->aspect_list, g_ptr_array_unref);
  g_clear_pointer (&run->customer_ids, g_hash_table_unref);
  g_clear_pointer (&run->customer_rows, g_hash_table_unref);
  g_clear_pointer (&run->customers, g_array_unref);
  g_clear_pointer (&run->categories, g_hash_table_unref);
  g_clear_pointer (&run->new_categories, g_ptr_array_unref);
  for (guint r = 0; r < N_READINGS; r++)
    {
      Reading *rd = &run->readings[r];

      for (guint b = 0; b < N_BUCKETS; b++)
        g_clear_pointer (&rd->buckets[b].blocks, g_ptr_array_unref);
      if (rd->row_reasons)
        g_string_free (rd->row_reasons, TRUE);
      g_clear_pointer (&rd->day_offsets, g_free);
      g_clear_pointer (&rd->pool, g_byte_array_unref);
      g_clear_pointer (&rd->categories, g_hash_table_unref);
    }
  g_clear_pointer (&run->jobs, g_async_queue_unref);
  g_clear_pointer (&run->consumed, g_async_queue_unref);
  g_clear_error (&run->writer_error);
  g_clear_pointer (&run->tz, g_time_zone_unref);
}

/* Helpers */

static void
report_progress (Run        *run,
                 double      fraction,
                 const char *message)
{
  if (run->progress != NULL)
    run->progress (CLAMP (fraction, 0.0, 1.0), message, run->progress_data);
}

static void
report_rows (Run       *run,
             InputFile *file,
             guint64    rows,
             guint64    offset)
{
  g_autofree char *count = NULL;
  g_autofree char *message = NULL;

  if (run->progress == NULL)
    return;

  count = bh_format_count (rows);
  /* Translators: a file name and how many of its rows are read. */
  message = g_strdup_printf (_("%s: %s rows"), file->basename, count);
  report_progress (run, READ_SHARE * (run->done_bytes + offset) / MAX (run->total_bytes, 1),
                   message);
}

/* A small 64-bit hash: FNV-1a over the bytes, then a final mix so that
 * every input bit reaches the high bits that the rowid keeps. */
#define HASH_SEED 0xcbf29ce484222325ULL

static inline guint64
hash_bytes (guint64     h,
            const char *data,
            gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      h ^= (guchar)data[i];
      h *= 0x100000001b3ULL;
    }

  /* A separator, so that ("ab", "c") and ("a", "bc") differ. */
  h ^= 0x1f;
  h *= 0x100000001b3ULL;

  return h;
}

static inline guint64
hash_finish (guint64 h)
{
  h ^= h >> 31;
  h *= 0x7fb5d329728ea185ULL;
  h ^= h >> 27;
  h *= 0x81dadef4bc2dd44dULL;
  h ^= h >> 33;

  return h & G_GUINT64_CONSTANT (0x7fffffffffffffff);
}

static gboolean
all_digits (const char *s,
            gsize       length)
{
  if (length == 0)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
    }

  return TRUE;
}

static int
digits_value (const char *s,
              gsize       length)
{
  int value = 0;

  for (gsize i = 0; i < length; i++)
    value = value * 10 + (s[i] - '0');

  return value;
}

/* Reads 1 to @max digits at *s; returns -1 if there are none. */
static int
take_number (const char **s,
             const char  *end,
             guint        max)
{
  const char *p = *s;
  int value = 0;

  while (p < end && g_ascii_isdigit (*p) && (guint)(p - *s) < max)
    value = value * 10 + (*p++ - '0');

  if (p == *s)
    return -1;

  *s = p;

  return value;
}

static gboolean
parse_date_part (const char **s,
                 const char  *end,
                 int         *year,
                 int         *month,
                 int         *day)
{
  const char *p = *s;

  if (end - p >= 10 && all_digits (p, 4) && p[4] == '-' && all_digits (p + 5, 2) &&
      p[7] == '-' && all_digits (p + 8, 2))
    {
      *year = digits_value (p, 4);
      *month = digits_value (p + 5, 2);
      *day = digits_value (p + 8, 2);
      *s = p + 10;
    }
  else
    {
      int d, m, y;

      if ((d = take_number (&p, end, 2)) < 0 || p == end || *p++ != '.' ||
          (m = take_number (&p, end, 2)) < 0 || p == end || *p++ != '.' ||
          end - p < 4 || !all_digits (p, 4))
        return FALSE;

      y = digits_value (p, 4);
      p += 4;
      *year = y;
      *month = m;
      *day = d;
      *s = p;
    }

  return *year >= 1 && *month >= 1 && *month <= 12 && *day >= 1 &&
         g_date_valid_dmy (*day, *month, *year);
}

static gboolean
parse_date (const char *s,
            gsize       length,
            int        *year,
            int        *month,
            int        *day)
{
  const char *p = s;

  return parse_date_part (&p, s + length, year, month, day) && p == s + length;
}

static gboolean
parse_time_part (const char **s,
                 const char  *end,
                 int         *hour,
                 int         *minute,
                 int         *second)
{
  const char *p = *s;

  *second = 0;

  if ((*hour = take_number (&p, end, 2)) < 0 || p == end || *p++ != ':' ||
      end - p < 2 || !all_digits (p, 2))
    return FALSE;

  *minute = digits_value (p, 2);
  p += 2;

  if (p < end && *p == ':')
    {
      if (end - p < 3 || !all_digits (p + 1, 2))
        return FALSE;
      *second = digits_value (p + 1, 2);
      p += 3;
    }

  *s = p;

  return *hour < 24 && *minute < 60 && *second < 60;
}

static gboolean
is_leap (int year)
{
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Days from 1 January 1970 to the date, for years from 1. */
static gint64
days_since_epoch (int year,
                  int month,
                  int day)
{
  static const int month_start[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
  gint64 before = year - 1;
  gint64 leap_days = before / 4 - before / 100 + before / 400 - 477;
  gint64 days = (gint64)(year - 1970) * 365 + leap_days + month_start[month - 1] + day - 1;

  if (month > 2 && is_leap (year))
    days++;

  return days;
}

/* The offset from UTC of local time on a day, in seconds, or
 * OFFSET_MIXED if it changes during the day. */
static gint32
day_offset (Run *run,
            int  year,
            int  month,
            int  day)
{
  g_autoptr(GDateTime) start = g_date_time_new (run->tz, year, month, day, 0, 0, 0);
  g_autoptr(GDateTime) end = g_date_time_new (run->tz, year, month, day, 23, 59, 59);
  GTimeSpan a, b;

  if (start == NULL || end == NULL)
    return OFFSET_MIXED;

  a = g_date_time_get_utc_offset (start);
  b = g_date_time_get_utc_offset (end);

  return a == b ? (gint32)(a / G_TIME_SPAN_SECOND) : OFFSET_MIXED;
}

static gint64
local_to_unix (Reading *rd,
               int      year,
               int  month,
               int  day,
               int  hour,
               int  minute,
               int  second)
{
  Run *run = rd->run;
  gint64 days = days_since_epoch (year, month, day);
  gint64 local = days * 86400 + hour * 3600 + minute * 60 + second;
  g_autoptr(GDateTime) dt = NULL;

  if (days >= 0 && days < CACHED_DAYS)
    {
      gint32 offset;

      if (rd->day_offsets == NULL)
        {
          rd->day_offsets = g_new (gint32, CACHED_DAYS);
          for (guint i = 0; i < CACHED_DAYS; i++)
            rd->day_offsets[i] = OFFSET_UNKNOWN;
        }

      offset = rd->day_offsets[days];
      if (offset == OFFSET_UNKNOWN)
        offset = rd->day_offsets[days] = day_offset (run, year, month, day);

      if (offset != OFFSET_MIXED)
        return local - offset;
    }

  /* A day when the clocks change: ask GLib for this very time. */
  dt = g_date_time_new (run->tz, year, month, day, hour, minute, second);

  return dt ? g_date_time_to_unix (dt) : local;
}

/* ISO 8601: a date, optionally T or a space and a time with optional
 * seconds, fraction and offset (Z, ±HH, ±HH:MM, ±HHMM). Without an
 * offset the time is local. */
static gboolean
parse_datetime (Reading    *rd,
                const char *s,
                gsize       length,
                gint64     *unix_time)
{
  const char *p = s;
  const char *end = s + length;
  int year, month, day;
  int hour = 0, minute = 0, second = 0;
  int offset = 0;
  gboolean has_offset = FALSE;

  if (!parse_date_part (&p, end, &year, &month, &day))
    return FALSE;

  if (p < end)
    {
      if (*p != 'T' && *p != 't' && *p != ' ')
        return FALSE;
      p++;

      if (!parse_time_part (&p, end, &hour, &minute, &second))
        return FALSE;

      if (p < end && (*p == '.' || *p == ','))
        {
          p++;
          if (p == end || !g_ascii_isdigit (*p))
            return FALSE;
          while (p < end && g_ascii_isdigit (*p))
            p++;
        }

      if (p < end && (*p == 'Z' || *p == 'z'))
        {
          has_offset = TRUE;
          p++;
        }
      else if (p < end && (*p == '+' || *p == '-'))
        {
          int sign = *p++ == '-' ? -1 : 1;
          int oh, om = 0;

          if (end - p < 2 || !all_digits (p, 2))
            return FALSE;
          oh = digits_value (p, 2);
          p += 2;
          if (p < end && *p == ':')
            p++;
          if (p < end)
            {
              if (end - p < 2 || !all_digits (p, 2))
                return FALSE;
              om = digits_value (p, 2);
              p += 2;
            }
          if (oh > 14 || om > 59)
            return FALSE;
          offset = sign * (oh * 3600 + om * 60);
          has_offset = TRUE;
        }

      if (p != end)
        return FALSE;
    }

  if (has_offset)
    *unix_time = days_since_epoch (year, month, day) * 86400 +
                 hour * 3600 + minute * 60 + second - offset;
  else
    *unix_time = local_to_unix (rd, year, month, day, hour, minute, second);

  return TRUE;
}

/* A price per ticket: digits with at most one decimal mark, "." or ",",
 * and at most two decimals. */
static const char *
parse_cents (const char *s,
             gsize       length,
             gint32     *cents)
{
  gint64 units = 0;
  int decimals = -1;
  gboolean any = FALSE;
  guint marks = 0;

  for (gsize i = 0; i < length; i++)
    marks += s[i] == '.' || s[i] == ',';

  if (marks > 1)
    return _("a price has one decimal mark and no thousands separators, "
             "like 1234.50 or 1234,50");

  for (gsize i = 0; i < length; i++)
    {
      char c = s[i];

      if (g_ascii_isdigit (c))
        {
          any = TRUE;
          if (decimals >= 0 && ++decimals > 2)
            return _("a price has at most two decimals");
          units = units * 10 + (c - '0');
          if (units > G_MAXINT32 / 100)
            return _("the price is too large");
        }
      else if (c == '.' || c == ',')
        decimals = 0;
      else if (c == '-')
        return _("a price cannot be negative");
      else
        return _("this is not a price; write it like 12.50 or 12,50");
    }

  if (!any)
    return _("this is not a price; write it like 12.50 or 12,50");

  if (decimals == 1)
    units *= 10;
  else if (decimals <= 0)
    units *= 100;

  *cents = (gint32)units;

  return NULL;
}

static int
parse_yes_no (const char *s,
              gsize       length)
{
  static const char * const yes[] = { "true", "1", "yes", "ja", "y", "j" };
  static const char * const no[] = { "false", "0", "no", "nein", "n" };

  if (length == 0)
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    if (g_ascii_strcasecmp (s, yes[i]) == 0)
      return 1;

  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    if (g_ascii_strcasecmp (s, no[i]) == 0)
      return 0;

  return -1;
}

static const char *
keep (Run        *run,
      const char *text,
      gsize       length)
{
  return length == 0 ? NULL : g_string_chunk_insert_len (run->strings, text, length);
}

/* Problems */

static void
add_problem (Run        *run,
             const char *file,
             guint       line,
             guint       column,
             const char *value,
             gssize      value_length,
             const char *reason)
{
  g_mutex_lock (&run->lock);

  run->n_problems++;

  if (run->problems->len < BH_IMPORT_MAX_PROBLEMS)
    g_ptr_array_add (run->problems,
                     bh_csv_format_problem (file, line, column, value, value_length, reason));

  g_mutex_unlock (&run->lock);
}

/* A problem the CSV reader has put into words already. */
static void
add_problem_message (Run        *run,
                     const char *message)
{
  g_mutex_lock (&run->lock);

  run->n_problems++;

  if (run->problems->len < BH_IMPORT_MAX_PROBLEMS)
    g_ptr_array_add (run->problems, g_strdup (message));

  g_mutex_unlock (&run->lock);
}

static void
row_begin (Reading *rd)
{
  rd->row_bad = FALSE;
  rd->row_column = 0;
  g_string_truncate (rd->row_reasons, 0);
}

static void
row_problem (Reading     *rd,
             BhCsvReader *reader,
             guint        column,
             const char  *value,
             gssize       value_length,
             const char  *reason)
{
  add_problem (rd->run, bh_csv_reader_get_name (reader), bh_csv_reader_get_line (reader),
               column, value, value_length, reason);

  if (!rd->row_bad)
    rd->row_column = column;
  else
    g_string_append (rd->row_reasons, "; ");
  g_string_append (rd->row_reasons, reason);
  rd->row_bad = TRUE;
}

static void
add_reject (Run         *run,
            BhCsvReader *reader,
            Kind         kind,
            guint        line,
            guint        column,
            const char  *reason)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&run->lock);
  const char *raw;
  gsize raw_length;
  char number[32];

  run->n_rejected++;
  run->counts[kind].rejected++;

  if (run->rejects == NULL)
    return;

  raw = bh_csv_reader_get_raw (reader, &raw_length);

  bh_csv_append_field (run->rejects, bh_csv_reader_get_name (reader), -1, ',');
  g_snprintf (number, sizeof number, ",%u,%u,", line, column);
  g_string_append (run->rejects, number);
  bh_csv_append_field (run->rejects, reason, -1, ',');
  g_string_append_c (run->rejects, ',');
  bh_csv_append_field (run->rejects, raw, raw_length, ',');
  g_string_append (run->rejects, "\r\n");
}

/* Ends a row; returns whether it is good to use. */
static gboolean
row_end (Reading     *rd,
         BhCsvReader *reader,
         Kind         kind)
{
  if (!rd->row_bad)
    return TRUE;

  add_reject (rd->run, reader, kind, bh_csv_reader_get_line (reader), rd->row_column,
              rd->row_reasons->str);

  return FALSE;
}

/* Files */

static gboolean
kind_from_name (const char *basename,
                Kind       *kind)
{
  g_autofree char *lower = g_ascii_strdown (basename, -1);
  g_auto(GStrv) words = NULL;
  int found = -1;

  if (!g_str_has_suffix (lower, ".csv"))
    return FALSE;

  lower[strlen (lower) - 4] = '\0';

  for (char *p = lower; *p; p++)
    if (!g_ascii_isalnum (*p))
      *p = ' ';

  words = g_strsplit (lower, " ", -1);

  for (guint i = 0; words[i]; i++)
    {
      int k = -1;

      if (g_str_equal (words[i], "events") || g_str_equal (words[i], "event"))
        k = KIND_EVENTS;
      else if (g_str_equal (words[i], "program") || g_str_equal (words[i], "programme"))
        k = KIND_PROGRAM;
      else if (g_str_equal (words[i], "customers") || g_str_equal (words[i], "customer"))
        k = KIND_CUSTOMERS;
      else if (g_str_equal (words[i], "sales") || g_str_equal (words[i], "sale"))
        k = KIND_SALES;

      if (k < 0)
        continue;
      if (found >= 0 && found != k)
        return FALSE;
      found = k;
    }

  if (found < 0)
    return FALSE;

  *kind = found;

  return TRUE;
}

static gboolean
add_file (Run         *run,
          const char  *path,
          GError     **error)
{
  g_autofree char *basename = g_path_get_basename (path);
  InputFile *file;
  GStatBuf st;
  Kind kind;

  if (g_stat (path, &st) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not read %s: %s"), path, g_strerror (errsv));
      return FALSE;
    }

  if (!kind_from_name (basename, &kind))
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_DATA,
                   _("%s: the file name does not say what the file holds; name it "
                     "events.csv, program.csv, customers.csv or sales.csv "
                     "(a prefix such as 2026-12-01_ is fine)"), path);
      return FALSE;
    }

  file = g_new0 (InputFile, 1);
  file->path = g_strdup (path);
  file->basename = g_steal_pointer (&basename);
  file->kind = kind;
  file->size = st.st_size;
  g_ptr_array_add (run->files, file);
  run->total_bytes += file->size;

  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

static int
compare_files (gconstpointer a,
               gconstpointer b)
{
  const InputFile *fa = *(const InputFile * const *)a;
  const InputFile *fb = *(const InputFile * const *)b;

  if (fa->kind != fb->kind)
    return fa->kind < fb->kind ? -1 : 1;

  return fa->index < fb->index ? -1 : fa->index > fb->index;
}

static gboolean
collect_files (Run                *run,
               const char * const *paths,
               GError            **error)
{
  for (guint i = 0; paths[i]; i++)
    {
      if (g_file_test (paths[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) dir = NULL;
          g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
          const char *name;

          if (!(dir = g_dir_open (paths[i], 0, error)))
            return FALSE;

          while ((name = g_dir_read_name (dir)))
            {
              g_autofree char *lower = g_ascii_strdown (name, -1);

              /* demo-data writes its ground truth next to the data. */
              if (name[0] == '.' || !g_str_has_suffix (lower, ".csv") ||
                  g_str_equal (lower, "truth.csv"))
                continue;
              g_ptr_array_add (names, g_strdup (name));
            }

          g_ptr_array_sort (names, compare_strings);

          for (guint n = 0; n < names->len; n++)
            {
              g_autofree char *path = g_build_filename (paths[i], names->pdata[n], NULL);

              if (!add_file (run, path, error))
                return FALSE;
            }
        }
      else if (!add_file (run, paths[i], error))
        return FALSE;
    }

  if (run->files->len == 0)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                   _("There is nothing to import: no events, program, customers or "
                     "sales CSV file was given or found"));
      return FALSE;
    }

  for (guint i = 0; i < run->files->len; i++)
    ((InputFile *)run->files->pdata[i])->index = i;

  g_ptr_array_sort (run->files, compare_files);

  /* A sale keeps its file's index in eight bits. */
  for (guint i = 0; i < run->files->len; i++)
    ((InputFile *)run->files->pdata[i])->index = i;

  if (run->files->len > 256)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                   _("At most 256 files can be imported at once, not %u"),
                   run->files->len);
      return FALSE;
    }

  return TRUE;
}

/* Finds the columns of @spec in the header; reports missing required
 * ones. */
static gboolean
map_columns (Run          *run,
             BhCsvReader  *reader,
             const Column *spec,
             guint         n_spec,
             int          *columns)
{
  gboolean ok = TRUE;

  for (guint i = 0; i < n_spec; i++)
    {
      columns[i] = bh_csv_reader_find_column (reader, spec[i].name);

      if (columns[i] < 0 && spec[i].required)
        {
          g_autofree char *reason =
            g_strdup_printf (_("the required column “%s” is missing from the header"),
                             spec[i].name);

          add_problem (run, bh_csv_reader_get_name (reader), 1, 0, NULL, 0, reason);
          run->fatal = TRUE;
          ok = FALSE;
        }
    }

  return ok;
}

static const char *
get (BhCsvReader *reader,
     const int   *columns,
     guint        which,
     gsize       *length)
{
  if (columns[which] < 0)
    {
      *length = 0;
      return "";
    }

  return bh_csv_reader_get_trimmed (reader, columns[which], length);
}

/* Loading what the store holds */

static gint64
max_id (Run        *run,
        const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT max(id) FROM %s", table);

  return bh_store_query_int (run->store, sql, 0);
}

static const char *
column_text (Run          *run,
             sqlite3_stmt *stmt,
             int           column)
{
  const char *text = (const char *)sqlite3_column_text (stmt, column);

  return text ? g_string_chunk_insert (run->strings, text) : NULL;
}

static Aspect *
lookup_aspect (Run        *run,
               const char *kind,
               const char *value,
               gboolean    create)
{
  g_autofree char *key = g_strconcat (kind, "\x1f", value, NULL);
  Aspect *aspect = g_hash_table_lookup (run->aspects, key);

  if (aspect == NULL && create)
    {
      aspect = g_new0 (Aspect, 1);
      aspect->id = run->next_aspect_id++;
      aspect->kind = g_string_chunk_insert (run->strings, kind);
      aspect->value = g_string_chunk_insert (run->strings, value);
      aspect->is_new = TRUE;
      g_ptr_array_add (run->aspect_list, aspect);
      g_hash_table_insert (run->aspects, g_string_chunk_insert (run->strings, key), aspect);
    }

  return aspect;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *)a;
  gint64 y = *(const gint64 *)b;

  return x < y ? -1 : x > y;
}

static void
add_aspect_id (GArray *aspects,
               gint64  id)
{
  for (guint i = 0; i < aspects->len; i++)
    if (g_array_index (aspects, gint64, i) == id)
      return;

  g_array_append_val (aspects, id);
  g_array_sort (aspects, compare_ids);
}

static gboolean
load_store (Run     *run,
            GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  gint64 started = g_get_monotonic_time ();

  if (!(stmt = bh_store_prepare (run->store, "SELECT id, kind, value FROM aspect", error)))
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Aspect *aspect = lookup_aspect (run, (const char *)sqlite3_column_text (stmt, 1),
                                      (const char *)sqlite3_column_text (stmt, 2), TRUE);

      aspect->id = sqlite3_column_int64 (stmt, 0);
      aspect->is_new = FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  run->next_aspect_id = max_id (run, "aspect") + 1;

  if (!(stmt = bh_store_prepare (run->store,
                                 "SELECT id, ext_id, title, date, time, venue, hall, city, "
                                 "capacity, series FROM event", error)))
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Event *event = g_new0 (Event, 1);

      event->id = sqlite3_column_int64 (stmt, 0);
      event->ext_id = column_text (run, stmt, 1);
      event->in_store = TRUE;
      event->old.title = column_text (run, stmt, 2);
      event->old.date = column_text (run, stmt, 3);
      event->old.time = column_text (run, stmt, 4);
      event->old.venue = column_text (run, stmt, 5);
      event->old.hall = column_text (run, stmt, 6);
      event->old.city = column_text (run, stmt, 7);
      event->old.capacity = sqlite3_column_type (stmt, 8) == SQLITE_NULL
                            ? -1 : sqlite3_column_int64 (stmt, 8);
      event->old.series = column_text (run, stmt, 9);
      event->old.aspects = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_ptr_array_add (run->event_list, event);
      g_hash_table_insert (run->events, (gpointer)event->ext_id, event);
      g_hash_table_insert (by_id, &event->id, event);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  run->next_event_id = max_id (run, "event") + 1;

  if (!(stmt = bh_store_prepare (run->store,
                                 "SELECT event_id, aspect_id FROM event_aspect", error)))
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 event_id = sqlite3_column_int64 (stmt, 0);
      gint64 aspect_id = sqlite3_column_int64 (stmt, 1);
      Event *event = g_hash_table_lookup (by_id, &event_id);

      if (event)
        g_array_append_val (event->old.aspects, aspect_id);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  for (guint i = 0; i < run->event_list->len; i++)
    {
      Event *event = run->event_list->pdata[i];

      g_array_sort (event->old.aspects, compare_ids);
    }

  if (!(stmt = bh_store_prepare (run->store, "SELECT id, ext_id FROM customer", error)))
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (run->customer_ids, (gpointer)column_text (run, stmt, 1),
                         GSIZE_TO_POINTER (sqlite3_column_int64 (stmt, 0)));
  g_clear_pointer (&stmt, sqlite3_finalize);
  run->first_new_customer_id = run->next_customer_id = max_id (run, "customer") + 1;

  if (!(stmt = bh_store_prepare (run->store, "SELECT id, name FROM category", error)))
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (run->categories, (gpointer)column_text (run, stmt, 1),
                         GSIZE_TO_POINTER (sqlite3_column_int64 (stmt, 0)));
  g_clear_pointer (&stmt, sqlite3_finalize);
  run->next_category_id = max_id (run, "category") + 1;

  g_debug ("Loaded %u events, %u aspects, %u customers, %u categories from the store "
           "in %.2f s",
           run->event_list->len, run->aspect_list->len,
           g_hash_table_size (run->customer_ids), g_hash_table_size (run->categories),
           (g_get_monotonic_time () - started) / 1e6);

  return TRUE;
}

/* Reading each kind of file */

static EventData *
event_row_data (Run  *run,
                const char *ext_id)
{
  Event *event = g_hash_table_lookup (run->events, ext_id);

  if (event == NULL)
    {
      event = g_new0 (Event, 1);
      event->ext_id = g_string_chunk_insert (run->strings, ext_id);
      event->id = run->next_event_id++;
      g_ptr_array_add (run->event_list, event);
      g_hash_table_insert (run->events, (gpointer)event->ext_id, event);
    }

  if (!event->in_file)
    {
      event->now = event->old;
      event->now.aspects = event->old.aspects
                           ? g_array_copy (event->old.aspects)
                           : g_array_new (FALSE, FALSE, sizeof (gint64));
    }

  event->in_file = TRUE;
  event->touched = TRUE;

  return &event->now;
}

/* Parses "kind:value|kind:value" into aspect ids; FALSE if malformed. */
static gboolean
parse_aspects (Run         *run,
               BhCsvReader *reader,
               guint        column,
               const char  *text,
               GArray      *ids)
{
  g_auto(GStrv) items = g_strsplit (text, "|", -1);
  Reading *rd = &run->readings[0];
  gboolean ok = TRUE;

  for (guint i = 0; items[i]; i++)
    {
      char *item = g_strstrip (items[i]);
      char *colon = strchr (item, ':');
      g_autofree char *kind = NULL;
      char *value;

      if (item[0] == '\0')
        continue;

      if (colon == NULL)
        {
          row_problem (rd, reader, column, item, -1,
                       _("an aspect is written kind:value, like composer:Mozart"));
          ok = FALSE;
          continue;
        }

      *colon = '\0';
      kind = g_utf8_strdown (g_strstrip (item), -1);
      value = g_strstrip (colon + 1);

      if (kind[0] == '\0' || value[0] == '\0')
        {
          *colon = ':';
          row_problem (rd, reader, column, item, -1,
                       _("an aspect needs both a kind and a value, like composer:Mozart"));
          ok = FALSE;
          continue;
        }

      if (ids)
        g_array_append_val (ids, lookup_aspect (run, kind, value, TRUE)->id);
    }

  return ok;
}

static const char *
keep_or_absent (Run         *run,
                BhCsvReader *reader,
                const int   *columns,
                guint        which,
                const char  *old)
{
  const char *text;
  gsize length;

  if (columns[which] < 0)
    return old;

  text = get (reader, columns, which, &length);

  return keep (run, text, length);
}

static void
read_event (Run         *run,
            BhCsvReader *reader,
            const int   *columns)
{
  const char *id, *title, *date, *time, *capacity, *aspects;
  gsize id_len, title_len, date_len, time_len, capacity_len, aspects_len;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  gint64 capacity_value = -1;
  g_autoptr(GArray) aspect_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  Reading *rd = &run->readings[0];
  char iso[16];
  char hhmm[8];
  EventData *data;

  id = get (reader, columns, E_ID, &id_len);
  title = get (reader, columns, E_TITLE, &title_len);
  date = get (reader, columns, E_DATE, &date_len);
  time = get (reader, columns, E_TIME, &time_len);
  capacity = get (reader, columns, E_CAPACITY, &capacity_len);
  aspects = get (reader, columns, E_ASPECTS, &aspects_len);

  if (id_len == 0)
    row_problem (rd, reader, columns[E_ID] + 1, NULL, 0, _("event_id is required"));
  if (title_len == 0)
    row_problem (rd, reader, columns[E_TITLE] + 1, NULL, 0, _("title is required"));
  if (date_len == 0)
    row_problem (rd, reader, columns[E_DATE] + 1, NULL, 0, _("date is required"));
  else if (!parse_date (date, date_len, &year, &month, &day))
    row_problem (rd, reader, columns[E_DATE] + 1, date, date_len,
                 _("this is not a date; write it as YYYY-MM-DD or DD.MM.YYYY"));

  if (time_len > 0)
    {
      const char *p = time;

      if (!parse_time_part (&p, time + time_len, &hour, &minute, &second) ||
          p != time + time_len)
        row_problem (rd, reader, columns[E_TIME] + 1, time, time_len,
                     _("this is not a time of day; write it as HH:MM"));
    }

  if (capacity_len > 0)
    {
      if (!all_digits (capacity, capacity_len) || capacity_len > 9)
        row_problem (rd, reader, columns[E_CAPACITY] + 1, capacity, capacity_len,
                     _("the capacity is a whole number of seats"));
      else
        capacity_value = g_ascii_strtoll (capacity, NULL, 10);
    }

  if (aspects_len > 0)
    parse_aspects (run, reader, columns[E_ASPECTS] + 1, aspects, aspect_ids);

  if (!row_end (rd, reader, KIND_EVENTS))
    return;

  data = event_row_data (run, id);

  g_snprintf (iso, sizeof iso, "%04d-%02d-%02d", year, month, day);
  data->title = keep (run, title, title_len);
  data->date = g_string_chunk_insert (run->strings, iso);
  if (columns[E_TIME] >= 0)
    {
      g_snprintf (hhmm, sizeof hhmm, "%02d:%02d", hour, minute);
      data->time = time_len > 0 ? g_string_chunk_insert (run->strings, hhmm) : NULL;
    }
  data->venue = keep_or_absent (run, reader, columns, E_VENUE, data->venue);
  data->hall = keep_or_absent (run, reader, columns, E_HALL, data->hall);
  data->city = keep_or_absent (run, reader, columns, E_CITY, data->city);
  data->series = keep_or_absent (run, reader, columns, E_SERIES, data->series);
  if (columns[E_CAPACITY] >= 0)
    data->capacity = capacity_value;

  if (columns[E_ASPECTS] >= 0)
    {
      g_array_set_size (data->aspects, 0);
      for (guint i = 0; i < aspect_ids->len; i++)
        add_aspect_id (data->aspects, g_array_index (aspect_ids, gint64, i));
    }
}

static void
read_program (Run         *run,
              BhCsvReader *reader,
              const int   *columns)
{
  const char *id, *kind, *value;
  gsize id_len, kind_len, value_len;
  g_autofree char *kind_lower = NULL;
  Reading *rd = &run->readings[0];
  Event *event;
  Aspect *aspect;

  id = get (reader, columns, P_EVENT, &id_len);
  kind = get (reader, columns, P_KIND, &kind_len);
  value = get (reader, columns, P_VALUE, &value_len);

  event = id_len > 0 ? g_hash_table_lookup (run->events, id) : NULL;

  if (id_len == 0)
    row_problem (rd, reader, columns[P_EVENT] + 1, NULL, 0, _("event_id is required"));
  else if (event == NULL)
    row_problem (rd, reader, columns[P_EVENT] + 1, id, id_len,
                 _("no event has this event_id, neither in the store nor in this import"));
  if (kind_len == 0)
    row_problem (rd, reader, columns[P_KIND] + 1, NULL, 0, _("kind is required"));
  else if (strchr (kind, ':') || strchr (kind, '|'))
    row_problem (rd, reader, columns[P_KIND] + 1, kind, kind_len,
                 _("a kind cannot hold “:” or “|”"));
  if (value_len == 0)
    row_problem (rd, reader, columns[P_VALUE] + 1, NULL, 0, _("value is required"));
  else if (strchr (value, '|'))
    row_problem (rd, reader, columns[P_VALUE] + 1, value, value_len,
                 _("a value cannot hold “|”"));

  if (!row_end (rd, reader, KIND_PROGRAM))
    return;

  kind_lower = g_utf8_strdown (kind, kind_len);
  aspect = lookup_aspect (run, kind_lower, value, TRUE);

  if (!event->touched)
    {
      event->now = event->old;
      event->now.aspects = g_array_copy (event->old.aspects);
      event->touched = TRUE;
    }

  {
    gboolean had = FALSE;

    for (guint i = 0; event->old.aspects && i < event->old.aspects->len; i++)
      had |= g_array_index (event->old.aspects, gint64, i) == aspect->id;

    if (had)
      run->counts[KIND_PROGRAM].unchanged++;
    else
      run->counts[KIND_PROGRAM].added++;
  }

  add_aspect_id (event->now.aspects, aspect->id);
}

/* JSON by hand: json-glib builds a tree per row, a million times. */
static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');

  for (const char *p = text; *p; p++)
    {
      guchar c = *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }

  g_string_append_c (out, '"');
}

static void
read_customer (Run         *run,
               BhCsvReader *reader,
               const int   *columns,
               const int   *extra_columns,
               guint        n_extra)
{
  const char *id, *opt_out;
  gsize id_len, opt_out_len;
  int opt_out_value = -1;
  CustomerRow row = { 0 };
  Reading *rd = &run->readings[0];
  gpointer found;

  id = get (reader, columns, C_ID, &id_len);
  opt_out = get (reader, columns, C_OPT_OUT, &opt_out_len);

  if (id_len == 0)
    row_problem (rd, reader, columns[C_ID] + 1, NULL, 0, _("customer_id is required"));
  else if (g_ascii_strcasecmp (id, "ANON") == 0)
    row_problem (rd, reader, columns[C_ID] + 1, id, id_len,
                 _("ANON is reserved for anonymous sales"));

  if (columns[C_OPT_OUT] >= 0 &&
      (opt_out_value = parse_yes_no (opt_out, opt_out_len)) < 0)
    row_problem (rd, reader, columns[C_OPT_OUT] + 1, opt_out, opt_out_len,
                 _("ad_opt_out is true or false (also 1/0, yes/no, ja/nein; empty means "
                   "not opted out)"));

  if (!row_end (rd, reader, KIND_CUSTOMERS))
    return;

  for (guint i = 0; i < N_C_TEXT; i++)
    row.text[i] = keep_or_absent (run, reader, columns, i, absent);
  row.opt_out = opt_out_value;
  row.extra = absent;

  if (n_extra > 0)
    {
      g_string_truncate (run->json, 0);

      for (guint i = 0; i < n_extra; i++)
        {
          gsize length;
          const char *value = bh_csv_reader_get_trimmed (reader, extra_columns[i], &length);

          if (length == 0)
            continue;
          g_string_append_c (run->json, run->json->len ? ',' : '{');
          append_json_string (run->json,
                              bh_csv_reader_get_column_name (reader, extra_columns[i]));
          g_string_append_c (run->json, ':');
          append_json_string (run->json, value);
        }

      row.extra = NULL;
      if (run->json->len > 0)
        {
          g_string_append_c (run->json, '}');
          row.extra = g_string_chunk_insert_len (run->strings, run->json->str,
                                                 run->json->len);
        }
    }

  found = g_hash_table_lookup (run->customer_rows, id);
  if (found)
    {
      /* The same customer again: the later row wins. */
      CustomerRow *earlier = &g_array_index (run->customers, CustomerRow,
                                             GPOINTER_TO_SIZE (found) - 1);

      row.ext_id = earlier->ext_id;
      row.id = earlier->id;
      *earlier = row;
      run->counts[KIND_CUSTOMERS].duplicates++;
      return;
    }

  row.ext_id = g_string_chunk_insert_len (run->strings, id, id_len);
  found = g_hash_table_lookup (run->customer_ids, id);
  if (found)
    row.id = GPOINTER_TO_SIZE (found);
  else
    {
      row.id = run->next_customer_id++;
      g_hash_table_insert (run->customer_ids, (gpointer)row.ext_id,
                           GSIZE_TO_POINTER (row.id));
    }

  g_array_append_val (run->customers, row);
  g_hash_table_insert (run->customer_rows, (gpointer)row.ext_id,
                       GSIZE_TO_POINTER (run->customers->len));
}

static void
add_sale (Reading    *rd,
          const Sale *sale)
{
  Bucket *bucket = &rd->buckets[sale->rowid >> BUCKET_SHIFT];
  gsize slot = bucket->n % BLOCK_SALES;
  Sale *block;

  if (slot == 0)
    {
      if (bucket->blocks == NULL)
        bucket->blocks = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (bucket->blocks, g_new (Sale, BLOCK_SALES));
    }

  block = bucket->blocks->pdata[bucket->blocks->len - 1];
  block[slot] = *sale;
  bucket->n++;
  rd->n_sales++;
}

/* Moves a bucket's sales, from every reading, into one array, freeing
 * their blocks on the way. */
static Sale *
take_bucket (Run   *run,
             guint  b,
             gsize *n)
{
  Sale *sales;
  gsize at = 0;

  *n = 0;
  for (guint r = 0; r < N_READINGS; r++)
    *n += run->readings[r].buckets[b].n;

  if (*n == 0)
    return NULL;

  sales = g_new (Sale, *n);

  for (guint r = 0; r < N_READINGS; r++)
    {
      Bucket *bucket = &run->readings[r].buckets[b];

      for (guint i = 0; bucket->blocks && i < bucket->blocks->len; i++)
        {
          gsize count = MIN (BLOCK_SALES, bucket->n - (gsize)i * BLOCK_SALES);

          memcpy (sales + at, bucket->blocks->pdata[i], count * sizeof (Sale));
          at += count;
          g_clear_pointer (&bucket->blocks->pdata[i], g_free);
        }

      g_clear_pointer (&bucket->blocks, g_ptr_array_unref);
      bucket->n = 0;
    }

  g_assert (at == *n);

  return sales;
}

/* Each reading has a pool; an offset's top bit says whose. */
static guint32
pool_add (Reading    *rd,
          const char *text,
          gsize       length)
{
  guint32 offset = rd->pool->len;

  g_byte_array_append (rd->pool, (const guint8 *)text, length);
  g_byte_array_append (rd->pool, (const guint8 *)"", 1);

  g_assert (offset < G_MAXINT32);

  return offset | (rd->index << 31);
}

/* An invoice is stored as the number it is (>= 0), packed into the
 * number if it is up to two capital letters and 1 to 12 digits like
 * R00012345 (INVOICE_PACKED + letters, digit count and value), or else
 * kept in the pool (~offset). Twenty million invoices of a common form
 * take no string memory, and storing them reads no scattered strings. */
static gint64
pack_invoice (Reading    *rd,
              const char *text,
              gsize       length)
{
  guint64 letters = 0;
  guint64 value = 0;
  gsize i = 0;
  gsize n_digits;

  if (length == 0)
    return INVOICE_NONE;

  if (all_digits (text, length) && length <= 18 && (text[0] != '0' || length == 1))
    return g_ascii_strtoll (text, NULL, 10);

  while (i < length && i < 2 && text[i] >= 'A' && text[i] <= 'Z')
    letters = letters * 27 + (text[i++] - 'A' + 1);

  n_digits = length - i;
  if (n_digits < 1 || n_digits > 12 || !all_digits (text + i, n_digits))
    return ~(gint64)pool_add (rd, text, length);

  for (; i < length; i++)
    value = value * 10 + (text[i] - '0');

  return INVOICE_PACKED + (gint64)((((letters << 4) | n_digits) << 40) | value);
}

static gboolean
invoice_is_pooled (gint64 invoice)
{
  return invoice < 0 && invoice >= -G_GINT64_CONSTANT (0x100000000);
}

static const char *
pool_text (Run     *run,
           guint32  offset)
{
  return (const char *)run->readings[offset >> 31].pool->data + (offset & G_MAXINT32);
}

/* The invoice as text; buffer holds it if it is packed. */
static const char *
invoice_text (Run    *run,
              gint64  invoice,
              char    buffer[32])
{
  guint64 packed, letters;
  char *p = buffer;

  g_assert (invoice < 0 && invoice != INVOICE_NONE);

  if (invoice_is_pooled (invoice))
    return pool_text (run, ~invoice);

  packed = invoice - INVOICE_PACKED;
  letters = packed >> 44;
  if (letters >= 27)
    *p++ = 'A' - 1 + letters / 27;
  if (letters % 27 > 0)
    *p++ = 'A' - 1 + letters % 27;
  {
    guint n_digits = (packed >> 40) & 15;
    guint64 value = packed & G_GUINT64_CONSTANT (0xffffffffff);

    p[n_digits] = '\0';
    for (guint i = n_digits; i > 0; i--, value /= 10)
      p[i - 1] = '0' + value % 10;
  }

  return buffer;
}

static guint16
category_id (Reading    *rd,
             const char *name,
             gsize       length)
{
  Run *run = rd->run;
  gpointer found;
  char *kept;

  if (length == 0)
    return 0;

  if ((found = g_hash_table_lookup (rd->categories, name)))
    return GPOINTER_TO_SIZE (found);

  g_mutex_lock (&run->lock);

  if (!g_hash_table_lookup_extended (run->categories, name, (gpointer *)&kept, &found))
    {
      kept = g_string_chunk_insert_len (run->strings, name, length);
      found = GSIZE_TO_POINTER (run->next_category_id++);
      g_hash_table_insert (run->categories, kept, found);
      g_ptr_array_add (run->new_categories, kept);
    }

  g_mutex_unlock (&run->lock);

  g_hash_table_insert (rd->categories, kept, found);

  return GPOINTER_TO_SIZE (found);
}

/* The index of an upper-case ISO 4217 code; -1 if there are too many. */
static int
currency_index (Reading    *rd,
                const char *code)
{
  Run *run = rd->run;
  guint i;

  for (i = 0; i < rd->n_currency_codes; i++)
    if (memcmp (rd->currency_codes[i], code, 4) == 0)
      return rd->currency_ids[i];

  g_mutex_lock (&run->lock);

  for (i = 0; i < run->n_currencies; i++)
    if (memcmp (run->currencies[i], code, 4) == 0)
      break;

  if (i == run->n_currencies && i < G_N_ELEMENTS (run->currencies))
    memcpy (run->currencies[run->n_currencies++], code, 4);

  g_mutex_unlock (&run->lock);

  if (i == G_N_ELEMENTS (run->currencies))
    return -1;

  if (rd->n_currency_codes < G_N_ELEMENTS (rd->currency_codes))
    {
      memcpy (rd->currency_codes[rd->n_currency_codes], code, 4);
      rd->currency_ids[rd->n_currency_codes++] = i;
    }

  return i;
}

static void
read_sale (Reading     *rd,
           BhCsvReader *reader,
           const int   *columns,
           guint        file_index)
{
  Run *run = rd->run;
  const char *sale_id, *invoice, *customer, *event_id, *purchased, *category;
  const char *quantity, *price, *base_price, *currency;
  gsize sale_id_len, invoice_len, customer_len, event_len, purchased_len, category_len;
  gsize quantity_len, price_len, base_price_len, currency_len;
  const char *reason;
  gpointer found;
  Event *event;
  gint64 unix_time = 0;
  guint64 h;
  Sale sale;

  memset (&sale, 0, sizeof sale);

  sale_id = get (reader, columns, S_SALE_ID, &sale_id_len);
  invoice = get (reader, columns, S_INVOICE, &invoice_len);
  customer = get (reader, columns, S_CUSTOMER, &customer_len);
  event_id = get (reader, columns, S_EVENT, &event_len);
  purchased = get (reader, columns, S_PURCHASED, &purchased_len);
  category = get (reader, columns, S_CATEGORY, &category_len);
  quantity = get (reader, columns, S_QUANTITY, &quantity_len);
  price = get (reader, columns, S_PRICE, &price_len);
  base_price = get (reader, columns, S_BASE_PRICE, &base_price_len);
  currency = get (reader, columns, S_CURRENCY, &currency_len);

  if (columns[S_SALE_ID] >= 0 && sale_id_len == 0)
    row_problem (rd, reader, columns[S_SALE_ID] + 1, NULL, 0,
                 _("sale_id is empty; when the column exists, every sale needs one"));

  if (customer_len == 0)
    row_problem (rd, reader, columns[S_CUSTOMER] + 1, NULL, 0,
                 _("customer_id is required (ANON for an anonymous sale)"));
  else if (customer_len == 4 && g_ascii_strcasecmp (customer, "ANON") == 0)
    sale.customer = 0;
  else if ((found = g_hash_table_lookup (run->customer_ids, customer)))
    sale.customer = GPOINTER_TO_SIZE (found);
  else
    row_problem (rd, reader, columns[S_CUSTOMER] + 1, customer, customer_len,
                 _("no customer has this customer_id, neither in the store nor in this "
                   "import"));

  if (event_len == 0)
    row_problem (rd, reader, columns[S_EVENT] + 1, NULL, 0, _("event_id is required"));
  else if ((event = g_hash_table_lookup (run->events, event_id)))
    sale.event = event->id;
  else
    row_problem (rd, reader, columns[S_EVENT] + 1, event_id, event_len,
                 _("no event has this event_id, neither in the store nor in this import"));

  if (purchased_len == 0)
    row_problem (rd, reader, columns[S_PURCHASED] + 1, NULL, 0,
                 _("purchase_datetime is required"));
  else if (!parse_datetime (rd, purchased, purchased_len, &unix_time))
    row_problem (rd, reader, columns[S_PURCHASED] + 1, purchased, purchased_len,
                 _("this is not a date and time; write it in ISO 8601, like "
                   "2026-03-14T19:30:00 (local time) or 2026-03-14T19:30:00+01:00"));
  else if (unix_time < 0 || unix_time > G_MAXUINT32)
    row_problem (rd, reader, columns[S_PURCHASED] + 1, purchased, purchased_len,
                 _("the purchase time must lie between 1970 and 2105"));
  else
    sale.purchased = (guint32)unix_time;

  sale.quantity = 1;
  if (quantity_len > 0)
    {
      if (!all_digits (quantity, quantity_len) || quantity_len > 5 ||
          digits_value (quantity, quantity_len) < 1 ||
          digits_value (quantity, quantity_len) > G_MAXUINT16)
        row_problem (rd, reader, columns[S_QUANTITY] + 1, quantity, quantity_len,
                     _("the quantity is a whole number of tickets from 1 to 65535"));
      else
        sale.quantity = digits_value (quantity, quantity_len);
    }

  sale.price = PRICE_NONE;
  if (price_len > 0 && (reason = parse_cents (price, price_len, &sale.price)))
    row_problem (rd, reader, columns[S_PRICE] + 1, price, price_len, reason);

  sale.base_price = PRICE_NONE;
  if (base_price_len > 0 && (reason = parse_cents (base_price, base_price_len,
                                                    &sale.base_price)))
    row_problem (rd, reader, columns[S_BASE_PRICE] + 1, base_price, base_price_len, reason);

  if (currency_len > 0)
    {
      char code[4] = { 0 };
      int index;

      if (currency_len != 3 || !g_ascii_isalpha (currency[0]) ||
          !g_ascii_isalpha (currency[1]) || !g_ascii_isalpha (currency[2]))
        row_problem (rd, reader, columns[S_CURRENCY] + 1, currency, currency_len,
                     _("a currency is a three-letter ISO 4217 code, like EUR"));
      else
        {
          for (guint i = 0; i < 3; i++)
            code[i] = g_ascii_toupper (currency[i]);

          if ((index = currency_index (rd, code)) < 0)
            row_problem (rd, reader, columns[S_CURRENCY] + 1, currency, currency_len,
                         _("one import can hold at most 255 currencies"));
          else
            sale.currency = index;
        }
    }

  if (!row_end (rd, reader, KIND_SALES))
    return;

  sale.category = category_id (rd, category, category_len);
  sale.line = bh_csv_reader_get_line (reader);
  sale.file = file_index;

  sale.invoice = pack_invoice (rd, invoice, invoice_len);

  if (columns[S_SALE_ID] >= 0)
    {
      sale.ext = pool_add (rd, sale_id, sale_id_len) + 1;
      h = hash_bytes (HASH_SEED, "s", 1);
      h = hash_bytes (h, sale_id, sale_id_len);
    }
  else
    {
      guint32 when = sale.purchased;

      h = hash_bytes (HASH_SEED, "i", 1);
      h = hash_bytes (h, invoice, invoice_len);
      h = hash_bytes (h, event_id, event_len);
      h = hash_bytes (h, sale.customer == 0 ? "ANON" : customer,
                      sale.customer == 0 ? 4 : customer_len);
      h = hash_bytes (h, category, category_len);
      h = hash_bytes (h, (const char *)&when, sizeof when);
    }
  sale.rowid = hash_finish (h);

  if (sale.customer == 0)
    rd->n_anonymous++;

  add_sale (rd, &sale);
}

/* Reads the records of one file, or of one part of it. */
static gboolean
read_rows (Reading      *rd,
           BhCsvReader  *reader,
           InputFile    *file,
           const int    *columns,
           const int    *extra,
           guint         n_extra,
           guint64       part_end,
           GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  Run *run = rd->run;
  BhCsvStatus status;
  guint64 rows = 0;

  while ((status = bh_csv_reader_next (reader, &local_error)) != BH_CSV_END)
    {
      if (status == BH_CSV_FAILED)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      rd->rows++;
      rows++;

      if (status == BH_CSV_BAD_RECORD)
        {
          add_problem_message (run, local_error->message);
          add_reject (run, reader, file->kind, bh_csv_reader_get_error_line (reader),
                      bh_csv_reader_get_error_column (reader),
                      bh_csv_reader_get_error_reason (reader));
          g_clear_error (&local_error);
          continue;
        }

      row_begin (rd);

      switch (file->kind)
        {
        case KIND_EVENTS:
          read_event (run, reader, columns);
          break;
        case KIND_PROGRAM:
          read_program (run, reader, columns);
          break;
        case KIND_CUSTOMERS:
          read_customer (run, reader, columns, extra, n_extra);
          break;
        case KIND_SALES:
          read_sale (rd, reader, columns, file->index);
          break;
        case N_KINDS:
        default:
          g_assert_not_reached ();
        }

      if (rows % PROGRESS_ROWS == 0)
        {
          if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
            return FALSE;

          /* Only the main thread reports; a helper's rows are counted
           * in, its bytes assumed to keep pace. */
          if (rd->index == 0)
            {
              guint64 offset = bh_csv_reader_get_offset (reader);

              if (part_end > 0)
                offset = MIN (offset * file->size / part_end, file->size);
              report_rows (run, file,
                           rows + (guint)g_atomic_int_get (&run->helper_rows), offset);
            }
          else
            g_atomic_int_set (&run->helper_rows, (int)MIN (rows, G_MAXINT));
        }
    }

  return TRUE;
}

/* Where a large file can be cut in two parts that parse on their own:
 * at the first line after the middle, if nothing before it is quoted (a
 * quoted field may hold a line break) and every line ends in \n or \r\n,
 * so that each \n ends a record. *line is the physical line there. */
static gboolean
find_split (const char *path,
            guint64     size,
            guint64    *split,
            guint      *line)
{
  g_autofree char *buffer = g_malloc (BUFFER_SIZE + 1);
  guint64 middle = size / 2;
  guint64 offset = 0;
  guint newlines = 0;
  gboolean found = FALSE;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    return FALSE;

  while (!found && offset < size)
    {
      gssize n = pread (fd, buffer, MIN (BUFFER_SIZE + 1, size - offset), offset);
      const char *end;
      const char *q;

      if (n <= 0)
        break;

      /* The extra byte only shows what follows a \r at the end. */
      end = buffer + MIN ((gsize)n, BUFFER_SIZE);

      if (memchr (buffer, '"', end - buffer))
        break;

      for (q = memchr (buffer, '\r', end - buffer); q; q = memchr (q + 1, '\r', end - q - 1))
        if (q + 1 >= buffer + n || q[1] != '\n')
          break;
      if (q != NULL)
        break;

      for (q = memchr (buffer, '\n', end - buffer); q; q = memchr (q + 1, '\n', end - q - 1))
        {
          newlines++;

          if (offset + (q - buffer) >= middle)
            {
              *split = offset + (q - buffer) + 1;
              *line = newlines + 1;
              found = *split < size;
              break;
            }

          if (q + 1 == end)
            break;
        }

      offset += end - buffer;
    }

  close (fd);

  return found;
}

typedef struct
{
  Reading     *rd;
  BhCsvReader *reader;
  InputFile   *file;
  const int   *columns;
  gboolean     ok;
  GError      *error;
} Part;

static gpointer
part_thread (gpointer data)
{
  Part *part = data;

  part->ok = read_rows (part->rd, part->reader, part->file, part->columns, NULL, 0, 0,
                        &part->error);

  return NULL;
}

static gboolean
read_file (Run        *run,
           InputFile  *file,
           GError    **error)
{
  g_autoptr(BhCsvReader) reader = NULL;
  g_autoptr(BhCsvReader) part_reader = NULL;
  g_autoptr(GError) local_error = NULL;
  Reading *rd = &run->readings[0];
  int columns[MAX_COLUMNS];
  int extra[64];
  guint n_extra = 0;
  guint64 rows_before = rd->rows + run->readings[1].rows;
  gint64 started = g_get_monotonic_time ();
  GThread *helper = NULL;
  Part part = { 0 };
  guint64 split = 0;
  guint split_line;
  gboolean ok;

  if (!(reader = bh_csv_reader_new (file->path, &local_error)))
    {
      if (g_error_matches (local_error, BH_ERROR, BH_ERROR_INVALID_DATA))
        {
          add_problem_message (run, local_error->message);
          run->fatal = TRUE;
          return TRUE;
        }

      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  switch (file->kind)
    {
    case KIND_EVENTS:
      if (!map_columns (run, reader, event_columns, N_E, columns))
        return TRUE;
      break;

    case KIND_PROGRAM:
      if (!map_columns (run, reader, program_columns, N_P, columns))
        return TRUE;
      break;

    case KIND_CUSTOMERS:
      if (!map_columns (run, reader, customer_columns, N_C, columns))
        return TRUE;
      for (guint i = 0; i < bh_csv_reader_get_n_columns (reader); i++)
        {
          gboolean known = FALSE;

          for (guint c = 0; c < N_C; c++)
            known |= columns[c] == (int)i;

          if (!known && n_extra < G_N_ELEMENTS (extra))
            extra[n_extra++] = i;
        }
      break;

    case KIND_SALES:
      if (!map_columns (run, reader, sale_columns, N_S, columns))
        return TRUE;
      break;

    case N_KINDS:
    default:
      g_assert_not_reached ();
    }

  /* A large sales file is read by two threads, half each. */
  if (file->kind == KIND_SALES && file->size >= split_min &&
      find_split (file->path, file->size, &split, &split_line) &&
      split >= bh_csv_reader_get_offset (reader) &&
      (part_reader = bh_csv_reader_new_part (reader, split, split_line, NULL)))
    {
      bh_csv_reader_set_end (reader, split);
      g_atomic_int_set (&run->helper_rows, 0);
      part.rd = &run->readings[1];
      part.reader = part_reader;
      part.file = file;
      part.columns = columns;
      helper = g_thread_new ("bh-import-reader", part_thread, &part);
    }

  ok = read_rows (rd, reader, file, columns, extra, n_extra, split, error);

  if (helper)
    {
      g_thread_join (helper);

      if (ok && !part.ok)
        {
          g_propagate_error (error, g_steal_pointer (&part.error));
          ok = FALSE;
        }
      g_clear_error (&part.error);
    }

  if (!ok)
    return FALSE;

  report_rows (run, file, rd->rows + run->readings[1].rows - rows_before, file->size);
  run->done_bytes += file->size;

  g_debug ("Read %" G_GUINT64_FORMAT " %s rows in %.2f s%s",
           rd->rows + run->readings[1].rows - rows_before, kind_names[file->kind],
           (g_get_monotonic_time () - started) / 1e6, helper ? " in two threads" : "");

  return TRUE;
}

/* Sorting sales by rowid, then by where they stand in the files. Our own
 * in-place quicksort: qsort() may allocate a copy of the whole array. */

static inline gboolean
sale_less (const Sale *a,
           const Sale *b)
{
  if (a->rowid != b->rowid)
    return a->rowid < b->rowid;
  if (a->file != b->file)
    return a->file < b->file;
  return a->line < b->line;
}

static inline void
sale_swap (Sale *a,
           Sale *b)
{
  Sale t = *a;

  *a = *b;
  *b = t;
}

static void
sort_sales (Sale  *sales,
            gsize  n)
{
  while (n > 16)
    {
      Sale *mid = sales + n / 2;
      Sale *last = sales + n - 1;
      Sale pivot;
      gsize i, j;

      /* Median of three into the middle. */
      if (sale_less (mid, sales))
        sale_swap (mid, sales);
      if (sale_less (last, mid))
        {
          sale_swap (last, mid);
          if (sale_less (mid, sales))
            sale_swap (mid, sales);
        }

      pivot = *mid;
      i = 0;
      j = n - 1;

      for (;;)
        {
          while (sale_less (&sales[i], &pivot))
            i++;
          while (sale_less (&pivot, &sales[j]))
            j--;
          if (i >= j)
            break;
          sale_swap (&sales[i], &sales[j]);
          i++;
          j--;
        }

      /* Recurse into the smaller part, loop over the larger. */
      if (j + 1 < n - j - 1)
        {
          sort_sales (sales, j + 1);
          sales += j + 1;
          n -= j + 1;
        }
      else
        {
          sort_sales (sales + j + 1, n - j - 1);
          n = j + 1;
        }
    }

  for (gsize i = 1; i < n; i++)
    {
      Sale item = sales[i];
      gsize j = i;

      while (j > 0 && sale_less (&item, &sales[j - 1]))
        {
          sales[j] = sales[j - 1];
          j--;
        }
      sales[j] = item;
    }
}

static gboolean
same_identity (Run        *run,
               const Sale *a,
               const Sale *b)
{
  if (a->ext || b->ext)
    return a->ext && b->ext &&
           g_str_equal (pool_text (run, a->ext - 1), pool_text (run, b->ext - 1));

  if (a->event != b->event || a->customer != b->customer ||
      a->category != b->category || a->purchased != b->purchased)
    return FALSE;

  if (!invoice_is_pooled (a->invoice) || !invoice_is_pooled (b->invoice))
    return a->invoice == b->invoice;

  return g_str_equal (pool_text (run, ~a->invoice), pool_text (run, ~b->invoice));
}

static InputFile *
file_of (Run        *run,
         const Sale *sale)
{
  return run->files->pdata[sale->file];
}

/* Within this import, rows of the same sale: the later one wins. Rows of
 * different sales with the same hash are a problem. */
static void
check_duplicate_sales (Run   *run,
                       Sale  *sales,
                       gsize  n)
{
  for (gsize i = 1; i < n; i++)
    {
      Sale *a = &sales[i - 1];
      Sale *b = &sales[i];

      if (a->rowid != b->rowid)
        continue;

      if (same_identity (run, a, b))
        {
          a->quantity = 0;
          run->counts[KIND_SALES].duplicates++;
        }
      else
        {
          g_autofree char *reason =
            g_strdup_printf (_("this sale and the one on %s line %u have the same "
                               "store key by a rare hash collision; add a sale_id "
                               "column to tell them apart"),
                             file_of (run, a)->path, a->line);

          add_problem (run, file_of (run, b)->path, b->line, 0, NULL, 0, reason);
          run->fatal = TRUE;
        }
    }
}

/* Writing */

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
step_done (Run           *run,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      bh_store_set_error (run->store, error, _("Could not store the import"));
      sqlite3_reset (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);

  return TRUE;
}

static gboolean
same_text (const char *a,
           const char *b)
{
  return g_strcmp0 (a, b) == 0;
}

static gboolean
event_changed (const EventData *a,
               const EventData *b)
{
  if (!same_text (a->title, b->title) || !same_text (a->date, b->date) ||
      !same_text (a->time, b->time) || !same_text (a->venue, b->venue) ||
      !same_text (a->hall, b->hall) || !same_text (a->city, b->city) ||
      !same_text (a->series, b->series) || a->capacity != b->capacity)
    return TRUE;

  return FALSE;
}

static gboolean
aspects_changed (const EventData *a,
                 const EventData *b)
{
  if (a->aspects->len != b->aspects->len)
    return TRUE;

  if (a->aspects->len == 0)
    return FALSE;

  return memcmp (a->aspects->data, b->aspects->data,
                 a->aspects->len * sizeof (gint64)) != 0;
}

/* "INSERT INTO table (columns) VALUES (?, …), (?, …)…" for n_rows rows. */
static char *
batch_insert_sql (const char *head,
                  guint       n_params,
                  guint       n_rows)
{
  GString *sql = g_string_new (head);

  g_string_append (sql, " VALUES ");
  for (guint r = 0; r < n_rows; r++)
    {
      g_string_append (sql, r ? ", (" : "(");
      for (guint p = 0; p < n_params; p++)
        g_string_append (sql, p ? ", ?" : "?");
      g_string_append_c (sql, ')');
    }

  return g_string_free (sql, FALSE);
}

static gboolean
write_events (Run     *run,
              GError **error)
{
  g_autoptr(sqlite3_stmt) insert_aspect = NULL;
  g_autoptr(sqlite3_stmt) upsert_event = NULL;
  g_autoptr(sqlite3_stmt) clear_links = NULL;
  g_autoptr(sqlite3_stmt) insert_link = NULL;

  if (!(insert_aspect = bh_store_prepare (run->store,
                                          "INSERT INTO aspect (id, kind, value) "
                                          "VALUES (?, ?, ?)", error)) ||
      !(upsert_event = bh_store_prepare (run->store,
                                         "INSERT INTO event (id, ext_id, title, date, time, "
                                         "venue, hall, city, capacity, series) "
                                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                         "ON CONFLICT (id) DO UPDATE SET "
                                         "title = excluded.title, date = excluded.date, "
                                         "time = excluded.time, venue = excluded.venue, "
                                         "hall = excluded.hall, city = excluded.city, "
                                         "capacity = excluded.capacity, "
                                         "series = excluded.series", error)) ||
      !(clear_links = bh_store_prepare (run->store,
                                        "DELETE FROM event_aspect WHERE event_id = ?",
                                        error)) ||
      !(insert_link = bh_store_prepare (run->store,
                                        "INSERT INTO event_aspect (event_id, aspect_id) "
                                        "VALUES (?, ?)", error)))
    return FALSE;

  for (guint i = 0; i < run->aspect_list->len; i++)
    {
      Aspect *aspect = run->aspect_list->pdata[i];

      if (!aspect->is_new)
        continue;

      sqlite3_bind_int64 (insert_aspect, 1, aspect->id);
      sqlite3_bind_text (insert_aspect, 2, aspect->kind, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert_aspect, 3, aspect->value, -1, SQLITE_STATIC);
      if (!step_done (run, insert_aspect, error))
        return FALSE;
    }

  for (guint i = 0; i < run->event_list->len; i++)
    {
      Event *event = run->event_list->pdata[i];
      gboolean fields = FALSE;
      gboolean links = FALSE;

      if (!event->touched)
        continue;

      if (!event->in_store)
        fields = links = TRUE;
      else
        {
          fields = event_changed (&event->old, &event->now);
          links = aspects_changed (&event->old, &event->now);
        }

      if (event->in_file)
        {
          if (!event->in_store)
            run->counts[KIND_EVENTS].added++;
          else if (fields || links)
            run->counts[KIND_EVENTS].changed++;
          else
            run->counts[KIND_EVENTS].unchanged++;
        }

      if (fields)
        {
          EventData *d = &event->now;

          sqlite3_bind_int64 (upsert_event, 1, event->id);
          sqlite3_bind_text (upsert_event, 2, event->ext_id, -1, SQLITE_STATIC);
          bind_text_or_null (upsert_event, 3, d->title);
          bind_text_or_null (upsert_event, 4, d->date);
          bind_text_or_null (upsert_event, 5, d->time);
          bind_text_or_null (upsert_event, 6, d->venue);
          bind_text_or_null (upsert_event, 7, d->hall);
          bind_text_or_null (upsert_event, 8, d->city);
          if (d->capacity >= 0)
            sqlite3_bind_int64 (upsert_event, 9, d->capacity);
          else
            sqlite3_bind_null (upsert_event, 9);
          bind_text_or_null (upsert_event, 10, d->series);
          if (!step_done (run, upsert_event, error))
            return FALSE;
        }

      if (links)
        {
          sqlite3_bind_int64 (clear_links, 1, event->id);
          if (!step_done (run, clear_links, error))
            return FALSE;

          for (guint a = 0; a < event->now.aspects->len; a++)
            {
              sqlite3_bind_int64 (insert_link, 1, event->id);
              sqlite3_bind_int64 (insert_link, 2,
                                  g_array_index (event->now.aspects, gint64, a));
              if (!step_done (run, insert_link, error))
                return FALSE;
            }
        }
    }

  return TRUE;
}

#define CUSTOMER_PARAMS 13

static void
bind_new_customer (sqlite3_stmt      *stmt,
                   int                first,
                   const CustomerRow *row)
{
  for (int c = 0; c < N_C_TEXT; c++)
    bind_text_or_null (stmt, first + c + 1, row->text[c] == absent ? NULL : row->text[c]);
  sqlite3_bind_int (stmt, first + 10, MAX (row->opt_out, 0));
  bind_text_or_null (stmt, first + 11, row->extra == absent ? NULL : row->extra);
  sqlite3_bind_int64 (stmt, first + 12, row->id);
  sqlite3_bind_text (stmt, first + 13, row->ext_id, -1, SQLITE_STATIC);
}

static gboolean
write_customers (Run     *run,
                 GError **error)
{
  static const char head[] = "INSERT INTO customer (salutation, first_name, last_name, "
                             "street, house_number, post_code, city, country, email, "
                             "opt_out, extra, id, ext_id)";
  g_autofree char *batch_sql = batch_insert_sql (head, CUSTOMER_PARAMS, INSERT_BATCH);
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(sqlite3_stmt) upsert = NULL;
  g_autoptr(sqlite3_stmt) insert_batch = NULL;
  const CustomerRow *batch[INSERT_BATCH];
  guint n_batch = 0;

  if (!(select = bh_store_prepare (run->store,
                                   "SELECT salutation, first_name, last_name, street, "
                                   "house_number, post_code, city, country, email, "
                                   "opt_out, extra FROM customer WHERE id = ?", error)) ||
      !(upsert = bh_store_prepare (run->store,
                                   "INSERT INTO customer (salutation, first_name, last_name, "
                                   "street, house_number, post_code, city, country, email, "
                                   "opt_out, extra, id, ext_id) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                   "ON CONFLICT (id) DO UPDATE SET "
                                   "salutation = excluded.salutation, "
                                   "first_name = excluded.first_name, "
                                   "last_name = excluded.last_name, "
                                   "street = excluded.street, "
                                   "house_number = excluded.house_number, "
                                   "post_code = excluded.post_code, "
                                   "city = excluded.city, country = excluded.country, "
                                   "email = excluded.email, opt_out = excluded.opt_out, "
                                   "extra = excluded.extra", error)) ||
      !(insert_batch = bh_store_prepare (run->store, batch_sql, error)))
    return FALSE;

  for (guint i = 0; i < run->customers->len; i++)
    {
      CustomerRow *row = &g_array_index (run->customers, CustomerRow, i);
      gboolean is_new = row->id >= run->first_new_customer_id;
      gboolean changed = FALSE;

      if ((i + 1) % PROGRESS_ROWS == 0 &&
          g_cancellable_set_error_if_cancelled (run->cancellable, error))
        return FALSE;

      if (!is_new)
        {
          sqlite3_bind_int64 (select, 1, row->id);
          if (sqlite3_step (select) != SQLITE_ROW)
            {
              bh_store_set_error (run->store, error, _("Could not read a customer"));
              sqlite3_reset (select);
              return FALSE;
            }

          for (int c = 0; c < N_C_TEXT; c++)
            {
              const char *stored = (const char *)sqlite3_column_text (select, c);

              if (row->text[c] == absent)
                sqlite3_bind_text (upsert, c + 1, stored, -1, SQLITE_TRANSIENT);
              else
                {
                  changed |= !same_text (stored, row->text[c]);
                  bind_text_or_null (upsert, c + 1, row->text[c]);
                }
            }

          if (row->opt_out < 0)
            sqlite3_bind_int (upsert, 10, sqlite3_column_int (select, 9));
          else
            {
              changed |= row->opt_out != sqlite3_column_int (select, 9);
              sqlite3_bind_int (upsert, 10, row->opt_out);
            }

          if (row->extra == absent)
            sqlite3_bind_text (upsert, 11, (const char *)sqlite3_column_text (select, 10),
                               -1, SQLITE_TRANSIENT);
          else
            {
              changed |= !same_text ((const char *)sqlite3_column_text (select, 10),
                                     row->extra);
              bind_text_or_null (upsert, 11, row->extra);
            }

          sqlite3_reset (select);

          if (!changed)
            {
              run->counts[KIND_CUSTOMERS].unchanged++;
              sqlite3_clear_bindings (upsert);
              continue;
            }

          run->counts[KIND_CUSTOMERS].changed++;
        }
      else
        {
          /* New customers go in many to a statement. */
          run->counts[KIND_CUSTOMERS].added++;
          batch[n_batch++] = row;

          if (n_batch == INSERT_BATCH)
            {
              for (guint b = 0; b < n_batch; b++)
                bind_new_customer (insert_batch, b * CUSTOMER_PARAMS, batch[b]);
              if (!step_done (run, insert_batch, error))
                return FALSE;
              n_batch = 0;
            }
          continue;
        }

      sqlite3_bind_int64 (upsert, 12, row->id);
      sqlite3_bind_text (upsert, 13, row->ext_id, -1, SQLITE_STATIC);
      if (!step_done (run, upsert, error))
        return FALSE;
    }

  for (guint b = 0; b < n_batch; b++)
    {
      bind_new_customer (upsert, 0, batch[b]);
      if (!step_done (run, upsert, error))
        return FALSE;
    }

  return TRUE;
}

#define SALE_PARAMS 11

/* Binds a sale to parameters first + 1 to first + SALE_PARAMS. */
static void
bind_sale (Run          *run,
           sqlite3_stmt *stmt,
           int           first,
           const Sale   *sale)
{
  if (sale->customer)
    sqlite3_bind_int64 (stmt, first + 1, sale->customer);
  else
    sqlite3_bind_null (stmt, first + 1);
  sqlite3_bind_int64 (stmt, first + 2, sale->event);
  sqlite3_bind_int64 (stmt, first + 3, sale->purchased);
  if (sale->category)
    sqlite3_bind_int64 (stmt, first + 4, sale->category);
  else
    sqlite3_bind_null (stmt, first + 4);
  sqlite3_bind_int (stmt, first + 5, sale->quantity);
  if (sale->price != PRICE_NONE)
    sqlite3_bind_int (stmt, first + 6, sale->price);
  else
    sqlite3_bind_null (stmt, first + 6);
  if (sale->base_price != PRICE_NONE)
    sqlite3_bind_int (stmt, first + 7, sale->base_price);
  else
    sqlite3_bind_null (stmt, first + 7);
  if (sale->currency)
    sqlite3_bind_text (stmt, first + 8, run->currencies[sale->currency], 3, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, first + 8);
  if (sale->invoice == INVOICE_NONE)
    sqlite3_bind_null (stmt, first + 9);
  else if (sale->invoice >= 0)
    sqlite3_bind_int64 (stmt, first + 9, sale->invoice);
  else
    {
      char buffer[32];

      sqlite3_bind_text (stmt, first + 9, invoice_text (run, sale->invoice, buffer), -1,
                         SQLITE_TRANSIENT);
    }
  if (sale->ext)
    sqlite3_bind_text (stmt, first + 10, pool_text (run, sale->ext - 1), -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, first + 10);
  sqlite3_bind_int64 (stmt, first + 11, sale->rowid);
}

static gboolean
column_is (sqlite3_stmt *stmt,
           int           column,
           gboolean      has_value,
           gint64        value)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return !has_value;

  return has_value && sqlite3_column_int64 (stmt, column) == value;
}

/* Compares a stored sale with one read: 0 same, 1 changed, -1 another
 * sale with the same hash. */
static int
compare_stored_sale (Run          *run,
                     sqlite3_stmt *stmt,
                     const Sale   *sale)
{
  const char *stored_ext = (const char *)sqlite3_column_text (stmt, 9);
  gboolean same_invoice;
  gboolean rest;

  if (sqlite3_column_type (stmt, 8) == SQLITE_NULL)
    same_invoice = sale->invoice == INVOICE_NONE;
  else if (sqlite3_column_type (stmt, 8) == SQLITE_INTEGER)
    same_invoice = sale->invoice >= 0 && sqlite3_column_int64 (stmt, 8) == sale->invoice;
  else
    {
      char buffer[32];

      same_invoice = sale->invoice < 0 && sale->invoice != INVOICE_NONE &&
                     g_str_equal ((const char *)sqlite3_column_text (stmt, 8),
                                  invoice_text (run, sale->invoice, buffer));
    }

  rest = column_is (stmt, 0, sale->customer != 0, sale->customer) &&
         column_is (stmt, 1, TRUE, sale->event) &&
         column_is (stmt, 2, TRUE, sale->purchased) &&
         column_is (stmt, 3, sale->category != 0, sale->category);

  if (sale->ext)
    {
      if (stored_ext == NULL || !g_str_equal (stored_ext, pool_text (run, sale->ext - 1)))
        return -1;
    }
  else if (stored_ext != NULL || !same_invoice || !rest)
    return -1;

  if (!same_invoice || !rest ||
      !column_is (stmt, 4, TRUE, sale->quantity) ||
      !column_is (stmt, 5, sale->price != PRICE_NONE, sale->price) ||
      !column_is (stmt, 6, sale->base_price != PRICE_NONE, sale->base_price))
    return 1;

  if (sqlite3_column_type (stmt, 7) == SQLITE_NULL)
    return sale->currency == 0 ? 0 : 1;

  return sale->currency != 0 &&
         g_str_equal ((const char *)sqlite3_column_text (stmt, 7),
                      run->currencies[sale->currency]) ? 0 : 1;
}

static void
sales_writer_clear (SalesWriter *sw)
{
  g_clear_pointer (&sw->insert, sqlite3_finalize);
  g_clear_pointer (&sw->insert_batch, sqlite3_finalize);
  g_clear_pointer (&sw->update, sqlite3_finalize);
  g_clear_pointer (&sw->select, sqlite3_finalize);
}

static gboolean
sales_writer_begin (Run          *run,
                    SalesWriter  *sw,
                    GError      **error)
{
  static const char head[] = "INSERT INTO sale (customer_id, event_id, purchased, "
                             "category_id, quantity, price, base_price, currency, "
                             "invoice, ext_id, id)";
  g_autoptr(sqlite3_stmt) insert_category = NULL;
  g_autofree char *insert_sql = batch_insert_sql (head, SALE_PARAMS, 1);
  g_autofree char *batch_sql = batch_insert_sql (head, SALE_PARAMS, INSERT_BATCH);

  sw->begun = TRUE;
  sw->started = g_get_monotonic_time ();

  if (!(insert_category = bh_store_prepare (run->store,
                                            "INSERT INTO category (id, name) VALUES (?, ?)",
                                            error)))
    return FALSE;

  for (guint i = 0; i < run->new_categories->len; i++)
    {
      const char *name = run->new_categories->pdata[i];

      sqlite3_bind_int64 (insert_category, 1,
                          GPOINTER_TO_SIZE (g_hash_table_lookup (run->categories, name)));
      sqlite3_bind_text (insert_category, 2, name, -1, SQLITE_STATIC);
      if (!step_done (run, insert_category, error))
        return FALSE;
    }

  /* Into an empty table every sale is new: no lookups. */
  sw->store_has_sales = bh_store_query_int (run->store,
                                            "SELECT EXISTS (SELECT 1 FROM sale)", 1) != 0;

  /* Many rows per statement: fewer steps, and SQLite keeps its cursor
   * near the end of the table between rows. */
  if (!(sw->insert = bh_store_prepare (run->store, insert_sql, error)) ||
      !(sw->insert_batch = bh_store_prepare (run->store, batch_sql, error)) ||
      !(sw->update = bh_store_prepare (run->store,
                                       "UPDATE sale SET customer_id = ?, event_id = ?, "
                                       "purchased = ?, category_id = ?, quantity = ?, "
                                       "price = ?, base_price = ?, currency = ?, invoice = ?, "
                                       "ext_id = ? WHERE id = ?", error)) ||
      !(sw->select = bh_store_prepare (run->store,
                                       "SELECT customer_id, event_id, purchased, category_id, "
                                       "quantity, price, base_price, currency, invoice, ext_id "
                                       "FROM sale WHERE id = ?", error)))
    return FALSE;

  return TRUE;
}

static gboolean
sales_writer_flush (Run          *run,
                    SalesWriter  *sw,
                    GError      **error)
{
  if (sw->n_batch == INSERT_BATCH)
    {
      for (guint b = 0; b < sw->n_batch; b++)
        bind_sale (run, sw->insert_batch, b * SALE_PARAMS, sw->batch[b]);
      if (!step_done (run, sw->insert_batch, error))
        return FALSE;
    }
  else
    {
      for (guint b = 0; b < sw->n_batch; b++)
        {
          bind_sale (run, sw->insert, 0, sw->batch[b]);
          if (!step_done (run, sw->insert, error))
            return FALSE;
        }
    }

  sw->n_batch = 0;

  return TRUE;
}

/* Stores sorted sales; rows marked as replaced (quantity 0) are left out.
 * The batch points into @sales, so it is flushed before returning. */
static gboolean
sales_writer_add (Run          *run,
                  SalesWriter  *sw,
                  const Sale   *sales,
                  gsize         n,
                  GError      **error)
{
  for (gsize i = 0; i < n; i++)
    {
      const Sale *sale = &sales[i];

      if (++sw->done % PROGRESS_ROWS == 0)
        {
          g_autofree char *done = bh_format_count (sw->done);
          g_autofree char *total = bh_format_count (run->n_sales);
          /* Translators: both numbers are counts of sales. */
          g_autofree char *message = g_strdup_printf (_("Storing %s of %s sales"),
                                                      done, total);

          if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
            return FALSE;
          report_progress (run, READ_SHARE + (1 - READ_SHARE) * sw->done / run->n_sales,
                           message);
        }

      if (sale->quantity == 0)
        continue;

      if (sw->store_has_sales)
        {
          int found;

          sqlite3_bind_int64 (sw->select, 1, sale->rowid);
          if (sqlite3_step (sw->select) == SQLITE_ROW)
            {
              found = compare_stored_sale (run, sw->select, sale);
              sqlite3_reset (sw->select);

              if (found == 0)
                {
                  run->counts[KIND_SALES].unchanged++;
                  continue;
                }
              if (found < 0)
                {
                  add_problem (run, file_of (run, sale)->path, sale->line, 0, NULL, 0,
                               _("this sale has the same store key as a different stored "
                                 "sale by a rare hash collision; add a sale_id column to "
                                 "tell them apart"));
                  run->counts[KIND_SALES].rejected++;
                  run->n_rejected++;
                  continue;
                }

              run->counts[KIND_SALES].changed++;
              bind_sale (run, sw->update, 0, sale);
              if (!step_done (run, sw->update, error))
                return FALSE;
              continue;
            }

          sqlite3_reset (sw->select);
        }

      run->counts[KIND_SALES].added++;
      sw->batch[sw->n_batch++] = sale;

      if (sw->n_batch == INSERT_BATCH && !sales_writer_flush (run, sw, error))
        return FALSE;
    }

  return sales_writer_flush (run, sw, error);
}

static gpointer
writer_thread (gpointer data)
{
  Run *run = data;
  SalesWriter *sw = &run->sales_writer;

  for (;;)
    {
      Job *job = g_async_queue_pop (run->jobs);
      JobKind kind = job->kind;
      gint64 started = g_get_monotonic_time ();

      /* After a failure, only drain the queue. */
      if (run->writer_error == NULL)
        {
          switch (kind)
            {
            case JOB_EVENTS_AND_CUSTOMERS:
              if (write_events (run, &run->writer_error))
                write_customers (run, &run->writer_error);
              g_debug ("Stored events and customers in %.2f s",
                       (g_get_monotonic_time () - started) / 1e6);
              break;

            case JOB_SALES_BEGIN:
              sales_writer_begin (run, sw, &run->writer_error);
              break;

            case JOB_SALES:
              sales_writer_add (run, sw, job->sales, job->n, &run->writer_error);
              break;

            case JOB_STOP:
              if (sw->begun)
                g_debug ("Stored %" G_GUINT64_FORMAT " sales in %.2f s (%s)", sw->done,
                         (g_get_monotonic_time () - sw->started) / 1e6,
                         sw->store_has_sales ? "merged with stored sales"
                                             : "appended to an empty table");
              break;

            default:
              g_assert_not_reached ();
            }
        }

      g_free (job->sales);
      g_free (job);

      if (kind == JOB_SALES)
        g_async_queue_push (run->consumed, GINT_TO_POINTER (1));

      if (kind == JOB_STOP)
        break;
    }

  sales_writer_clear (sw);

  return NULL;
}

static void
push_job (Run     *run,
          JobKind  kind,
          Sale    *sales,
          gsize    n)
{
  Job *job = g_new0 (Job, 1);

  g_assert (run->writer != NULL);

  job->kind = kind;
  job->sales = sales;
  job->n = n;
  g_async_queue_push (run->jobs, job);
}

static void
start_writer (Run *run)
{
  g_assert (run->writer == NULL);

  run->jobs = g_async_queue_new ();
  run->consumed = g_async_queue_new ();
  run->writer = g_thread_new ("bh-import-writer", writer_thread, run);
  push_job (run, JOB_EVENTS_AND_CUSTOMERS, NULL, 0);
}

/* Waits for the writer; returns FALSE with @error set if it failed. */
static gboolean
stop_writer (Run     *run,
             GError **error)
{
  if (run->writer == NULL)
    return TRUE;

  push_job (run, JOB_STOP, NULL, 0);
  g_thread_join (g_steal_pointer (&run->writer));

  if (run->writer_error)
    {
      g_propagate_error (error, g_steal_pointer (&run->writer_error));
      return FALSE;
    }

  return TRUE;
}

/* Sorts bucket after bucket and hands them to the writer, which stores
 * one while the next is sorted. */
static gboolean
write_sales (Run     *run,
             GError **error)
{
  gint64 sorting = 0;
  guint outstanding = 0;

  push_job (run, JOB_SALES_BEGIN, NULL, 0);

  for (guint b = 0; b < N_BUCKETS; b++)
    {
      gint64 started = g_get_monotonic_time ();
      gsize n;
      Sale *sales = take_bucket (run, b, &n);

      if (sales == NULL)
        continue;

      sort_sales (sales, n);
      check_duplicate_sales (run, sales, n);
      sorting += g_get_monotonic_time () - started;

      if (run->fatal)
        {
          g_free (sales);
          break;
        }

      /* Sorted buckets waiting for the writer are memory on top of the
       * blocks freed so far, which the allocator cannot hand out again
       * for a bucket's size: keep at most two in the queue. */
      if (outstanding == 2)
        g_async_queue_pop (run->consumed);
      else
        outstanding++;

      push_job (run, JOB_SALES, sales, n);

      if (g_cancellable_is_cancelled (run->cancellable))
        break;
    }

  g_debug ("Sorted %" G_GUINT64_FORMAT " sales in %.2f s", run->n_sales, sorting / 1e6);

  return stop_writer (run, error) &&
         !g_cancellable_set_error_if_cancelled (run->cancellable, error);
}

static JsonNode *
counts_to_json (Run *run)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  for (guint k = 0; k < N_KINDS; k++)
    {
      json_builder_set_member_name (builder, kind_names[k]);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "added");
      json_builder_add_int_value (builder, run->counts[k].added);
      json_builder_set_member_name (builder, "changed");
      json_builder_add_int_value (builder, run->counts[k].changed);
      json_builder_set_member_name (builder, "unchanged");
      json_builder_add_int_value (builder, run->counts[k].unchanged);
      json_builder_set_member_name (builder, "rejected");
      json_builder_add_int_value (builder, run->counts[k].rejected);
      json_builder_set_member_name (builder, "duplicates");
      json_builder_add_int_value (builder, run->counts[k].duplicates);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
files_to_json (Run *run)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < run->files->len; i++)
    json_builder_add_string_value (builder, ((InputFile *)run->files->pdata[i])->path);
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

static char *
node_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);

  return json_generator_to_data (generator, NULL);
}

static gboolean
record_import (Run      *run,
               gint64    started,
               gint64   *import_id,
               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonNode) files = files_to_json (run);
  g_autoptr(JsonNode) counts = counts_to_json (run);
  g_autofree char *files_text = node_to_string (files);
  g_autofree char *counts_text = node_to_string (counts);

  if (!(stmt = bh_store_prepare (run->store,
                                 "INSERT INTO import (started, finished, files, counts) "
                                 "VALUES (?, ?, ?, ?)", error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, started);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 3, files_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, counts_text, -1, SQLITE_STATIC);

  if (!step_done (run, stmt, error))
    return FALSE;

  *import_id = sqlite3_last_insert_rowid (run->db);

  return TRUE;
}

/* Whether what was read already means that nothing will be stored. */
static gboolean
doomed (Run        *run,
        const char *rejects_path)
{
  return run->n_problems > 0 && (rejects_path == NULL || run->fatal);
}

static void
set_problems_error (Run     *run,
                    GError **error)
{
  g_autoptr(GString) message = g_string_new (NULL);
  g_autofree char *count = bh_format_count (run->n_problems);

  g_string_append_printf (message,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "Nothing was imported: %s problem in the files:",
                                       "Nothing was imported: %s problems in the files:",
                                       MIN (run->n_problems, G_MAXULONG)),
                          count);

  for (guint i = 0; i < run->problems->len; i++)
    g_string_append_printf (message, "\n%s", (const char *)run->problems->pdata[i]);

  if (run->n_problems > run->problems->len)
    {
      g_autofree char *more = bh_format_count (run->n_problems - run->problems->len);

      g_string_append_c (message, '\n');
      g_string_append_printf (message, _("and %s more"), more);
    }

  g_set_error_literal (error, BH_ERROR, BH_ERROR_INVALID_DATA, message->str);
}

static JsonNode *
make_report (Run        *run,
             gint64      import_id,
             const char *rejects_path,
             double      seconds)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonNode *counts = counts_to_json (run);
  JsonObject *object = json_node_get_object (counts);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "import_id");
  json_builder_add_int_value (builder, import_id);
  json_builder_set_member_name (builder, "files");
  json_builder_add_value (builder, files_to_json (run));
  for (guint k = 0; k < N_KINDS; k++)
    {
      json_builder_set_member_name (builder, kind_names[k]);
      json_builder_add_value (builder, json_object_dup_member (object, kind_names[k]));
    }
  json_builder_set_member_name (builder, "anonymous_sales");
  json_builder_add_int_value (builder, run->n_anonymous);
  json_builder_set_member_name (builder, "rejected");
  json_builder_add_int_value (builder, run->n_rejected);
  json_builder_set_member_name (builder, "rejects_file");
  if (rejects_path && run->n_rejected > 0)
    json_builder_add_string_value (builder, rejects_path);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "seconds");
  json_builder_add_double_value (builder, seconds);
  json_builder_end_object (builder);

  json_node_unref (counts);

  return json_builder_get_root (builder);
}

/**
 * bh_import_run:
 * @store: the store to import into
 * @paths: %NULL-terminated files and folders of CSV files, in any mix
 * @rejects_path: (nullable): if set, valid rows are stored and rejected
 *   ones written to this CSV file with their reasons; if %NULL, one bad
 *   row means nothing is stored
 * @progress: (nullable): called with rows and bytes read, and sales
 *   stored; from this thread or the import's writer thread, never from
 *   both at once
 * @progress_data: closure data for @progress
 * @cancellable: (nullable): cancels the import; the store stays as it was
 * @error: return location for a #GError
 *
 * Imports a venue's ticketing export (see docs/import-format.md) in one
 * transaction. Bad data gives %BH_ERROR_INVALID_DATA, whose message lists
 * every problem (up to %BH_IMPORT_MAX_PROBLEMS) as
 * "file:line:column: value “…”: reason".
 *
 * Returns: (transfer full): a JSON object with the counts of rows added,
 *   changed and unchanged per kind, or %NULL with @error set
 */
JsonNode *
bh_import_run (BhStore             *store,
               const char * const  *paths,
               const char          *rejects_path,
               BhProgressFunc       progress,
               gpointer             progress_data,
               GCancellable        *cancellable,
               GError             **error)
{
  Run run = { 0 };
  gint64 started = g_get_real_time () / G_USEC_PER_SEC;
  gint64 t0 = g_get_monotonic_time ();
  gint64 import_id = 0;
  JsonNode *report = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (BH_IS_STORE (store), NULL);
  g_return_val_if_fail (paths != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  run.store = store;
  run.db = bh_store_get_db (store);
  run.cancellable = cancellable;
  run.progress = progress;
  run.progress_data = progress_data;
  run.files = g_ptr_array_new_with_free_func (input_file_free);
  run.strings = g_string_chunk_new (1024 * 1024);
  run.problems = g_ptr_array_new_with_free_func (g_free);
  run.json = g_string_new (NULL);
  run.events = g_hash_table_new (g_str_hash, g_str_equal);
  run.event_list = g_ptr_array_new_with_free_func (event_free);
  run.aspects = g_hash_table_new (g_str_hash, g_str_equal);
  run.aspect_list = g_ptr_array_new_with_free_func (g_free);
  run.customer_ids = g_hash_table_new (g_str_hash, g_str_equal);
  run.customer_rows = g_hash_table_new (g_str_hash, g_str_equal);
  run.customers = g_array_new (FALSE, FALSE, sizeof (CustomerRow));
  run.categories = g_hash_table_new (g_str_hash, g_str_equal);
  run.new_categories = g_ptr_array_new ();
  run.tz = g_time_zone_new_local ();
  run.n_currencies = 1;
  memcpy (run.currencies[0], "EUR", 4);
  g_mutex_init (&run.lock);
  for (guint r = 0; r < N_READINGS; r++)
    {
      run.readings[r].run = &run;
      run.readings[r].index = r;
      run.readings[r].row_reasons = g_string_new (NULL);
      run.readings[r].pool = g_byte_array_new ();
      run.readings[r].categories = g_hash_table_new (g_str_hash, g_str_equal);
    }
  if (rejects_path)
    run.rejects = g_string_new ("file,line,column,reason,record\r\n");

  if (!collect_files (&run, paths, error))
    goto out;

  /* Reading and writing hold the write lock, so that nothing changes
   * between checking the references and storing the rows. */
  if (!bh_store_begin (store, error))
    goto out;

  if (!load_store (&run, error))
    goto out;

  for (guint i = 0; i < run.files->len; i++)
    {
      InputFile *file = run.files->pdata[i];

      /* Events and customers are stored while the sales are read. */
      if (file->kind == KIND_SALES && run.writer == NULL && !doomed (&run, rejects_path))
        start_writer (&run);

      if (!read_file (&run, file, error))
        goto out;
    }

  for (guint r = 0; r < N_READINGS; r++)
    {
      run.n_sales += run.readings[r].n_sales;
      run.n_anonymous += run.readings[r].n_anonymous;
    }

  g_debug ("Read %u files: %" G_GUINT64_FORMAT " bytes, %u customers, %" G_GUINT64_FORMAT
           " sales, %" G_GUINT64_FORMAT " problems in %.2f s",
           run.files->len, run.total_bytes, run.customers->len, run.n_sales,
           run.n_problems, (g_get_monotonic_time () - t0) / 1e6);

  if (doomed (&run, rejects_path))
    {
      set_problems_error (&run, error);
      goto out;
    }

  if (run.writer == NULL)
    start_writer (&run);

  if (!write_sales (&run, error))
    goto out;

  /* Collisions are found only while sorting and writing. */
  if (run.fatal || (run.n_problems > 0 && rejects_path == NULL))
    {
      set_problems_error (&run, error);
      goto out;
    }

  if (!record_import (&run, started, &import_id, error))
    goto out;

  /* In the transaction: a rollback leaves the generation, and with it a
   * cached snapshot, as valid as before. */
  if (!bh_store_bump_data_generation (store, error))
    goto out;

  if (rejects_path && run.n_rejected > 0 &&
      !g_file_set_contents (rejects_path, run.rejects->str, run.rejects->len, error))
    goto out;

  if (!bh_store_commit (store, error))
    goto out;

  ok = TRUE;

out:
  /* The writer stops before anything else touches the store. */
  if (!stop_writer (&run, ok ? error : NULL))
    ok = FALSE;

  if (!ok)
    bh_store_rollback (store);
  else
    {
      double seconds = (g_get_monotonic_time () - t0) / 1e6;

      /* The generation already tells the cache is stale; removing it
       * frees the disk and keeps no copy of data the store replaced. */
      _bh_snapshot_cache_remove (store);

      report = make_report (&run, import_id, rejects_path, seconds);
      report_progress (&run, 1.0, _("Import finished"));

      g_debug ("Import %" G_GINT64_FORMAT " took %.2f s: sales %" G_GUINT64_FORMAT
               " added, %" G_GUINT64_FORMAT " changed, %" G_GUINT64_FORMAT " unchanged",
               import_id, seconds, run.counts[KIND_SALES].added,
               run.counts[KIND_SALES].changed, run.counts[KIND_SALES].unchanged);
    }

  run_clear (&run);
  g_mutex_clear (&run.lock);

  return report;
}
