/* bh-test-venue.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <glib/gstdio.h>
#include <math.h>

#include "backhaul.h"
#include "bh-builder.h"
#include "bh-test-util.h"
#include "bh-snapshot.h"

G_BEGIN_DECLS

/*
 * A small venue written straight into a store with SQL, for the builder
 * tests, and an independent, slow and plain computation of the taste
 * model as documented in bh-snapshot.c, to check the builder against.
 */

#define VENUE_N_TASTES 4

typedef struct
{
  char    *data_dir;
  BhStore *store;
  guint    n_customers;
  guint    n_events;
  guint    n_aspects;
} Venue;

static inline char *
venue_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("backhaul-test-XXXXXX", &error);

  g_assert_no_error (error);

  return dir;
}

static inline void
venue_remove_dir (const char *dir)
{
  bh_test_remove_tree (dir);
}

static inline void
venue_exec (Venue      *venue,
            const char *sql)
{
  g_autoptr(GError) error = NULL;

  bh_store_exec (venue->store, sql, &error);
  g_assert_no_error (error);
}

static inline sqlite3_stmt *
venue_prepare (Venue      *venue,
               const char *sql)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = bh_store_prepare (venue->store, sql, &error);

  g_assert_no_error (error);

  return stmt;
}

static inline void
venue_step (sqlite3_stmt *stmt)
{
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static inline gint64
venue_time (int year,
            int month,
            int day,
            int hour)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (year, month, day, hour, 0, 0);

  return g_date_time_to_unix (dt);
}

/* Event i: taste i % 4, every 23 days from 2022-09-01; events come in
 * series of two with the same aspects; every ninth event repeats the
 * programme of the one before its series in a new series (a similar
 * event). */
static inline void
venue_event_date (guint  i,
                  GDate *date)
{
  g_date_clear (date, 1);
  g_date_set_dmy (date, 1, 9, 2022);
  g_date_add_days (date, i * 23);
}

/*
 * Most customers have an address; about one in seven has none, an empty
 * one or one a mail cannot go to, and a few have blanks around theirs.
 * No random numbers are drawn, so the rest of the venue stays as it was.
 */
static inline char *
venue_bad_email (guint c)
{
  switch ((c / 23) % 10)
    {
    case 0: return g_strdup ("none");
    case 1: return g_strdup ("-");
    case 2: return g_strdup_printf ("c%04u@example", c);
    case 3: return g_strdup_printf ("c%04u at example.org", c);
    case 4: return g_strdup_printf ("c%04u@@example.org", c);
    case 5: return g_strdup_printf ("c%04u@example..org", c);
    case 6: return g_strdup ("@example.org");
    case 7: return g_strdup_printf ("c%04u@example.org, c%04u@example.com", c, c);
    case 8: return g_strdup_printf ("Name <c%04u@example.org>", c);
    default: return g_strdup_printf ("c%04u.example.org", c);
    }
}

static inline void
venue_bind_email (sqlite3_stmt *stmt,
                  int           column,
                  guint         c)
{
  char *email;

  if (c % 19 == 2)
    return;
  if (c % 19 == 7)
    email = g_strdup ("");
  else if (c % 23 == 9)
    email = venue_bad_email (c);
  else if (c % 29 == 3)
    email = g_strdup_printf (" C%04u@Example.ORG  ", c);
  else
    email = g_strdup_printf ("c%04u@example.org", c);

  sqlite3_bind_text (stmt, column, email, -1, g_free);
}

static inline void
venue_fill (Venue   *venue,
            guint    n_customers,
            guint    n_events,
            guint32  seed)
{
  static const char * const genres[VENUE_N_TASTES] = { "Opera", "Symphonic", "Jazz", "Chamber" };
  static const char * const atmospheres[] = { "festive", "intimate", "late-night" };
  static const char * const cities[] = { "Freiburg", "FREIBURG", "Basel", "Berlin", "Lörrach" };
  static const char * const post_codes[] = { "79098", "79100", "4051", "10115", "79539" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(sqlite3_stmt) aspect = NULL;
  g_autoptr(sqlite3_stmt) event = NULL;
  g_autoptr(sqlite3_stmt) event_aspect = NULL;
  g_autoptr(sqlite3_stmt) customer = NULL;
  g_autoptr(sqlite3_stmt) sale = NULL;
  g_autofree guint *event_aspects = g_new0 (guint, n_events * 4);
  g_autofree guint *n_event_aspects = g_new0 (guint, n_events);
  guint n_aspects = 0;
  gint64 sale_id = 1;
  gint64 last_time = venue_time (2026, 3, 1, 12);

  venue->n_customers = n_customers;
  venue->n_events = n_events;

  venue_exec (venue, "BEGIN");

  aspect = venue_prepare (venue, "INSERT INTO aspect (id, kind, value) VALUES (?, ?, ?)");
  /* aspects: 4 genres (1-4), 12 composers (5-16), 8 soloists (17-24),
   * 3 atmospheres (25-27) */
  for (guint t = 0; t < VENUE_N_TASTES; t++)
    {
      sqlite3_bind_int (aspect, 1, ++n_aspects);
      sqlite3_bind_text (aspect, 2, "genre", -1, SQLITE_STATIC);
      sqlite3_bind_text (aspect, 3, genres[t], -1, SQLITE_STATIC);
      venue_step (aspect);
    }
  for (guint k = 0; k < 12; k++)
    {
      g_autofree char *name = g_strdup_printf ("Composer %c%u", 'A' + k % 4, k / 4);

      sqlite3_bind_int (aspect, 1, ++n_aspects);
      sqlite3_bind_text (aspect, 2, "composer", -1, SQLITE_STATIC);
      sqlite3_bind_text (aspect, 3, name, -1, SQLITE_TRANSIENT);
      venue_step (aspect);
    }
  for (guint k = 0; k < 8; k++)
    {
      g_autofree char *name = g_strdup_printf ("Soloist %u", k);

      sqlite3_bind_int (aspect, 1, ++n_aspects);
      sqlite3_bind_text (aspect, 2, "soloist", -1, SQLITE_STATIC);
      sqlite3_bind_text (aspect, 3, name, -1, SQLITE_TRANSIENT);
      venue_step (aspect);
    }
  for (guint k = 0; k < G_N_ELEMENTS (atmospheres); k++)
    {
      sqlite3_bind_int (aspect, 1, ++n_aspects);
      sqlite3_bind_text (aspect, 2, "atmosphere", -1, SQLITE_STATIC);
      sqlite3_bind_text (aspect, 3, atmospheres[k], -1, SQLITE_STATIC);
      venue_step (aspect);
    }
  venue->n_aspects = n_aspects;

  event = venue_prepare (venue,
                         "INSERT INTO event (id, ext_id, title, date, series) "
                         "VALUES (?, ?, ?, ?, ?)");
  event_aspect = venue_prepare (venue,
                                "INSERT INTO event_aspect (event_id, aspect_id) VALUES (?, ?)");
  for (guint i = 0; i < n_events; i++)
    {
      g_autofree char *ext_id = g_strdup_printf ("E%03u", i);
      g_autofree char *title = g_strdup_printf ("Evening %u", i);
      g_autofree char *series = g_strdup_printf ("S%03u", i / 2);
      guint taste = (i / 2) % VENUE_N_TASTES;
      char date_text[16];
      GDate date;

      venue_event_date (i, &date);
      g_date_strftime (date_text, sizeof date_text, "%Y-%m-%d", &date);

      sqlite3_bind_int (event, 1, (int)i + 1);
      sqlite3_bind_text (event, 2, ext_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (event, 3, title, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (event, 4, date_text, -1, SQLITE_TRANSIENT);
      /* every seventh series has no series name at all */
      if ((i / 2) % 7 != 6)
        sqlite3_bind_text (event, 5, series, -1, SQLITE_TRANSIENT);
      venue_step (event);

      if (i % 2 == 1)
        {
          /* the second of a series plays the same programme */
          memcpy (event_aspects + i * 4, event_aspects + (i - 1) * 4, sizeof (guint) * 4);
          n_event_aspects[i] = n_event_aspects[i - 1];
        }
      else if (i % 18 == 8 && i >= 4)
        {
          /* a new production of the programme two series back */
          memcpy (event_aspects + i * 4, event_aspects + (i - 8) * 4, sizeof (guint) * 4);
          n_event_aspects[i] = n_event_aspects[i - 8];
        }
      else
        {
          guint *a = event_aspects + i * 4;

          a[n_event_aspects[i]++] = 1 + taste;
          a[n_event_aspects[i]++] = 5 + taste + 4 * g_rand_int_range (rand, 0, 3);
          if (g_rand_int_range (rand, 0, 2))
            a[n_event_aspects[i]++] = 17 + g_rand_int_range (rand, 0, 8);
          a[n_event_aspects[i]++] = 25 + (taste + g_rand_int_range (rand, 0, 2)) % 3;
        }

      for (guint k = 0; k < n_event_aspects[i]; k++)
        {
          sqlite3_bind_int (event_aspect, 1, (int)i + 1);
          sqlite3_bind_int (event_aspect, 2, (int)event_aspects[i * 4 + k]);
          venue_step (event_aspect);
        }
    }

  venue_exec (venue, "INSERT INTO category (id, name) VALUES "
                     "(1, 'regular'), (2, 'vip'), (3, 'subscription')");

  customer = venue_prepare (venue,
                            "INSERT INTO customer (id, ext_id, post_code, city, opt_out, "
                            "email) VALUES (?, ?, ?, ?, ?, ?)");
  sale = venue_prepare (venue,
                        "INSERT INTO sale (id, customer_id, event_id, purchased, category_id, "
                        "quantity, price, base_price, invoice) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (guint c = 0; c < n_customers; c++)
    {
      g_autofree char *ext_id = g_strdup_printf ("C%04u", c);
      guint taste = g_rand_int_range (rand, 0, VENUE_N_TASTES);
      guint second = g_rand_int_range (rand, 0, VENUE_N_TASTES);
      guint n_orders = 1 + (guint)floor (pow (g_rand_double (rand), 2) * 14);
      guint place = g_rand_int_range (rand, 0, G_N_ELEMENTS (cities));
      gboolean bargain = g_rand_int_range (rand, 0, 6) == 0;
      guint first_event = g_rand_int_range (rand, 0, n_events);

      /* Customers 3 apart differ in store id from their index. */
      sqlite3_bind_int (customer, 1, (int)(c * 3 + 7));
      sqlite3_bind_text (customer, 2, ext_id, -1, SQLITE_TRANSIENT);
      if (c % 11 != 5)
        sqlite3_bind_text (customer, 3, post_codes[place], -1, SQLITE_STATIC);
      if (c % 13 != 4)
        sqlite3_bind_text (customer, 4, cities[place], -1, SQLITE_STATIC);
      sqlite3_bind_int (customer, 5, g_rand_int_range (rand, 0, 10) == 0);
      venue_bind_email (customer, 6, c);
      venue_step (customer);

      /* Some customers never bought anything. */
      if (c % 17 == 3)
        continue;

      for (guint o = 0; o < n_orders; o++)
        {
          guint e, lines = 1 + (g_rand_int_range (rand, 0, 4) == 0);
          guint use = g_rand_int_range (rand, 0, 10);
          guint want = use < 6 ? taste : use < 8 ? second : (guint)g_rand_int_range (rand, 0, 4);
          gint64 purchased;
          int invoice_kind = g_rand_int_range (rand, 0, 3);
          GDate date;

          /* an event of the wanted taste near this customer's time */
          e = (first_event + o * 3 + g_rand_int_range (rand, 0, 8)) % n_events;
          for (guint tries = 0; tries < n_events && (e / 2) % VENUE_N_TASTES != want; tries++)
            e = (e + 1) % n_events;

          venue_event_date (e, &date);
          purchased = venue_time (g_date_get_year (&date), g_date_get_month (&date),
                                  g_date_get_day (&date), 12)
                      - (gint64)g_rand_int_range (rand, 0, 80) * 86400;
          if (purchased > last_time)
            continue;

          for (guint l = 0; l < lines; l++)
            {
              guint event_index = l == 0 ? e : (e + 2) % n_events;
              int category = 1 + g_rand_int_range (rand, 0, 3);
              int base = 2000 + 500 * g_rand_int_range (rand, 0, 8);
              int price = bargain || g_rand_int_range (rand, 0, 5) == 0 ? base * 7 / 10 : base;

              sqlite3_bind_int64 (sale, 1, sale_id++ * 7919 % 1000003);
              sqlite3_bind_int (sale, 2, (int)(c * 3 + 7));
              sqlite3_bind_int (sale, 3, (int)event_index + 1);
              sqlite3_bind_int64 (sale, 4, purchased);
              sqlite3_bind_int (sale, 5, category);
              sqlite3_bind_int (sale, 6, 1 + g_rand_int_range (rand, 0, 3));
              if (g_rand_int_range (rand, 0, 25) != 0)
                sqlite3_bind_int (sale, 7, price);
              if (g_rand_int_range (rand, 0, 25) != 0)
                sqlite3_bind_int (sale, 8, base);
              if (invoice_kind == 0)
                sqlite3_bind_int64 (sale, 9, 100000 + sale_id);
              else if (invoice_kind == 1)
                {
                  g_autofree char *text = g_strdup_printf ("INV-%u-%u", c, o);

                  sqlite3_bind_text (sale, 9, text, -1, SQLITE_TRANSIENT);
                }
              venue_step (sale);
            }
        }
    }

  /* anonymous sales count for no one */
  for (guint i = 0; i < 40; i++)
    {
      sqlite3_bind_int64 (sale, 1, sale_id++ * 7919 % 1000003);
      sqlite3_bind_int (sale, 3, (int)(i % n_events) + 1);
      sqlite3_bind_int64 (sale, 4, venue_time (2024, 1, 1 + i % 28, 10));
      sqlite3_bind_int (sale, 5, 1);
      sqlite3_bind_int (sale, 6, 2);
      sqlite3_bind_int (sale, 7, 1000);
      venue_step (sale);
    }

  venue_exec (venue, "COMMIT");
}

static inline Venue *
venue_new (guint   n_customers,
           guint   n_events,
           guint32 seed)
{
  Venue *venue = g_new0 (Venue, 1);
  g_autoptr(GError) error = NULL;

  venue->data_dir = venue_make_dir ();
  venue->store = bh_store_open (venue->data_dir, &error);
  g_assert_no_error (error);
  venue_fill (venue, n_customers, n_events, seed);

  return venue;
}

static inline void
venue_free (Venue *venue)
{
  g_clear_object (&venue->store);
  venue_remove_dir (venue->data_dir);
  g_free (venue->data_dir);
  g_free (venue);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Venue, venue_free)

static inline BhSnapshot *
venue_snapshot (Venue *venue)
{
  g_autoptr(GError) error = NULL;
  BhSnapshot *snapshot = bh_snapshot_load (venue->store, NULL, NULL, NULL, &error);

  g_assert_no_error (error);

  return snapshot;
}

G_END_DECLS
