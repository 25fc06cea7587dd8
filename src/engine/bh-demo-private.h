/* bh-demo-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The catalogue of the demo venue: its halls, the taste archetypes with
 * the aspects that define them, and the names people and streets have.
 * Lists of strings end with NULL. */

typedef enum
{
  BH_DEMO_HALL_GROSSER_SAAL,
  BH_DEMO_HALL_KAMMERMUSIKSAAL,
  BH_DEMO_HALL_STUDIO,
  BH_DEMO_HALL_OPEN_AIR,
  BH_DEMO_HALL_GROSSES_HAUS,
  BH_DEMO_HALL_KAMMERSPIELE,
  BH_DEMO_N_HALLS
} BhDemoHallId;

typedef struct
{
  const char *venue;
  const char *name;
  const char *city;
  guint       capacity;
  /* The regular price of an average evening, in cents. */
  guint       price_cents;
} BhDemoHall;

/* How an event's title is made. */
typedef enum
{
  BH_DEMO_TITLE_WORK,      /* the work itself: "Tosca" */
  BH_DEMO_TITLE_PROGRAMME, /* a series name and the composers */
  BH_DEMO_TITLE_SOLOIST,   /* a series name and the soloist */
  BH_DEMO_TITLE_ENSEMBLE,  /* a series name and the band or ensemble */
} BhDemoTitleStyle;

typedef struct
{
  const char        *name;
  const char *const *works;
} BhDemoCreator;

typedef struct
{
  const char          *key;
  const char          *label;
  /* Per mille of customers with this primary archetype, and of events. */
  guint                customer_share;
  guint                event_share;
  /* Mean days between purchase and performance. */
  guint                lead_days;
  /* Per cent of the regular hall price. */
  guint                price_percent;
  /* Per cent of customers of this archetype who subscribe. */
  guint                subscriber_percent;
  /* Per cent of ordinary sales in the vip category. */
  guint                vip_percent;
  /* Start of an evening and of a Sunday performance, minutes after
   * midnight. */
  guint                start_minute;
  guint                sunday_minute;
  /* Families come in larger parties; younger people like some tastes. */
  gboolean             families;
  guint                youth_years;
  guint                performances_min;
  guint                performances_max;
  BhDemoTitleStyle     title_style;
  const char *const   *series_names;
  /* Genres, each preceded by its weight in a parallel array. */
  const char *const   *genres;
  const guint         *genre_weights;
  const char          *creator_kind;
  const BhDemoCreator *creators;
  guint                creators_max;
  const char          *ensemble_kind;
  const char *const   *ensembles;
  /* Per cent of series with a soloist. */
  guint                soloist_percent;
  /* "soloist" unless set: actors in theatre. */
  const char          *soloist_kind;
  const char *const   *soloists;
  const char          *leader_kind;
  const char *const   *leaders;
  /* A stage director, for opera; NULL elsewhere. */
  const char *const   *directors;
  const char *const   *atmospheres;
  /* Works played in December, for Christmas and the turn of the year. */
  const char *const   *december_works;
  const BhDemoHallId  *halls;
  /* Two-letter code used in series ids. */
  const char          *code;
  /* The archetype a second taste most often is, or -1. */
  int                  neighbour;
} BhDemoArchetype;

typedef struct
{
  const char *post_code;
  const char *city;
  const char *country;
  guint       weight;
} BhDemoPlace;

extern const BhDemoHall       _bh_demo_halls[BH_DEMO_N_HALLS];
extern const BhDemoArchetype  _bh_demo_archetypes[];
extern const guint            _bh_demo_n_archetypes;
extern const BhDemoPlace      _bh_demo_places[];
extern const guint            _bh_demo_n_places;
extern const char *const      _bh_demo_female_names[];
extern const char *const      _bh_demo_male_names[];
extern const char *const      _bh_demo_last_names[];
extern const char *const      _bh_demo_streets_de[];
extern const char *const      _bh_demo_streets_ch[];
extern const char *const      _bh_demo_streets_fr[];
extern const char *const      _bh_demo_mail_domains[];

G_END_DECLS
