/* test-definition.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include "backhaul.h"

static BhDefinition *
make_full_definition (void)
{
  BhDefinition *def = bh_definition_new ();
  const char *events[] = { "E1", "E2", NULL };
  const char *include[] = { "C1", "C2", NULL };
  const char *exclude[] = { "C3", NULL };
  const char *codes[] = { "10", "12", NULL };
  const char *cities[] = { "Berlin", NULL };

  def->title = g_strdup ("Spring “Mozart”");
  def->events = g_strdupv ((GStrv)events);
  def->mode = BH_MODE_SELECTIVE;
  def->quorum = 0.75;
  def->as_of = g_strdup ("2025-03-01");
  def->include_ids = g_strdupv ((GStrv)include);
  def->exclude_ids = g_strdupv ((GStrv)exclude);
  def->exclude_all_before = g_strdup ("2020-01-01");
  def->exclude_all_after = g_strdup ("2024-12-31");
  def->min_avg_price = 12.5;
  def->max_avg_price = 80;
  def->exclude_discount_only = TRUE;
  def->include_post_codes = g_strdupv ((GStrv)codes);
  def->exclude_post_codes = g_strdupv ((GStrv)exclude);
  def->include_cities = g_strdupv ((GStrv)cities);
  def->exclude_cities = g_strdupv ((GStrv)include);
  def->max_customers = 5000;
  def->clusters = 4;
  def->threshold = 0.4;
  def->exclude_same_series = FALSE;
  def->exclude_similar = FALSE;

  return def;
}

static void
assert_strv_equal (GStrv a,
                   GStrv b)
{
  if (a == NULL || b == NULL)
    {
      g_assert_true (a == b);
      return;
    }

  g_assert_true (g_strv_equal ((const char * const *)a, (const char * const *)b));
}

static void
assert_definitions_equal (const BhDefinition *a,
                          const BhDefinition *b)
{
  g_assert_cmpstr (a->title, ==, b->title);
  assert_strv_equal (a->events, b->events);
  g_assert_cmpint (a->mode, ==, b->mode);
  g_assert_cmpfloat (a->quorum, ==, b->quorum);
  g_assert_cmpstr (a->as_of, ==, b->as_of);
  assert_strv_equal (a->include_ids, b->include_ids);
  assert_strv_equal (a->exclude_ids, b->exclude_ids);
  g_assert_cmpstr (a->exclude_all_before, ==, b->exclude_all_before);
  g_assert_cmpstr (a->exclude_all_after, ==, b->exclude_all_after);
  g_assert_cmpfloat (a->min_avg_price, ==, b->min_avg_price);
  g_assert_cmpfloat (a->max_avg_price, ==, b->max_avg_price);
  g_assert_cmpint (a->exclude_discount_only, ==, b->exclude_discount_only);
  assert_strv_equal (a->include_post_codes, b->include_post_codes);
  assert_strv_equal (a->exclude_post_codes, b->exclude_post_codes);
  assert_strv_equal (a->include_cities, b->include_cities);
  assert_strv_equal (a->exclude_cities, b->exclude_cities);
  g_assert_cmpuint (a->max_customers, ==, b->max_customers);
  g_assert_cmpuint (a->clusters, ==, b->clusters);
  g_assert_cmpfloat (a->threshold, ==, b->threshold);
  g_assert_cmpint (a->exclude_same_series, ==, b->exclude_same_series);
  g_assert_cmpint (a->exclude_similar, ==, b->exclude_similar);
}

static void
test_definition_defaults (void)
{
  g_autoptr(BhDefinition) def = bh_definition_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (def->mode, ==, BH_MODE_INCLUSIVE);
  g_assert_cmpfloat (def->quorum, ==, 0.5);
  g_assert_cmpfloat (def->threshold, >, 0);
  g_assert_cmpfloat (def->threshold, <, 1);
  g_assert_cmpuint (def->clusters, ==, 0);
  g_assert_cmpuint (def->max_customers, ==, 0);
  g_assert_true (def->exclude_same_series);
  g_assert_true (def->exclude_similar);
  g_assert_false (def->exclude_discount_only);
  g_assert_cmpfloat (def->min_avg_price, <, 0);
  g_assert_cmpfloat (def->max_avg_price, <, 0);
  g_assert_null (def->as_of);

  /* Without events there is nothing to build. */
  g_assert_false (bh_definition_validate (def, &error));
  g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT);
}

static void
test_definition_copy (void)
{
  g_autoptr(BhDefinition) def = make_full_definition ();
  g_autoptr(BhDefinition) copy = bh_definition_copy (def);

  assert_definitions_equal (def, copy);
  g_assert_true (copy->events != def->events);
  g_assert_true (copy->title != def->title);

  /* A boxed copy is a deep copy too. */
  {
    g_autoptr(BhDefinition) boxed = g_boxed_copy (BH_TYPE_DEFINITION, def);

    assert_definitions_equal (def, boxed);
  }
}

static void
test_definition_json_round_trip (void)
{
  g_autoptr(BhDefinition) def = make_full_definition ();
  g_autoptr(BhDefinition) plain = bh_definition_new ();
  const char *one[] = { "E9", NULL };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 2; i++)
    {
      BhDefinition *source = i == 0 ? def : plain;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(JsonNode) reparsed = NULL;
      g_autoptr(BhDefinition) back = NULL;
      g_autofree char *text = NULL;

      if (source == plain)
        plain->events = g_strdupv ((GStrv)one);

      node = bh_definition_to_json (source);
      text = json_to_string (node, FALSE);
      reparsed = json_from_string (text, &error);
      g_assert_no_error (error);

      back = bh_definition_new_from_json (reparsed, &error);
      g_assert_no_error (error);
      assert_definitions_equal (source, back);

      g_assert_true (bh_definition_validate (back, &error));
      g_assert_no_error (error);
    }
}

static void
test_definition_json_mode (void)
{
  g_autoptr(BhDefinition) def = make_full_definition ();
  g_autoptr(JsonNode) node = bh_definition_to_json (def);
  JsonObject *object = json_node_get_object (node);
  BhMode mode;

  g_assert_cmpstr (json_object_get_string_member (object, "mode"), ==, "selective");
  g_assert_true (bh_mode_from_string ("inclusive", &mode));
  g_assert_cmpint (mode, ==, BH_MODE_INCLUSIVE);
  g_assert_true (bh_mode_from_string ("selective", &mode));
  g_assert_cmpint (mode, ==, BH_MODE_SELECTIVE);
  g_assert_false (bh_mode_from_string ("Inclusive ", &mode));
  g_assert_false (bh_mode_from_string (NULL, &mode));
  g_assert_cmpstr (bh_mode_to_string (BH_MODE_INCLUSIVE), ==, "inclusive");
}

static void
test_definition_json_errors (void)
{
  static const char * const bad[] = {
    "[1, 2]",
    "{\"events\": \"E1\"}",
    "{\"events\": [\"E1\", 3]}",
    "{\"events\": [\"E1\"], \"mode\": \"sometimes\"}",
    "{\"events\": [\"E1\"], \"quorum\": \"half\"}",
    "{\"events\": [\"E1\"], \"clusters\": -2}",
    "{\"events\": [\"E1\"], \"clusters\": 2.5}",
    "{\"events\": [\"E1\"], \"exclude_similar\": 1}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = json_from_string (bad[i], &error);
      g_autoptr(BhDefinition) def = NULL;

      g_assert_no_error (error);
      def = bh_definition_new_from_json (node, &error);
      g_assert_null (def);
      g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (error->message, !=, "");
    }
}

typedef void (*BreakFunc) (BhDefinition *def);

static void
break_events (BhDefinition *def)
{
  g_clear_pointer (&def->events, g_strfreev);
}

static void
break_twice (BhDefinition *def)
{
  g_free (def->events[1]);
  def->events[1] = g_strdup ("E1");
}

static void
break_blank (BhDefinition *def)
{
  g_free (def->events[1]);
  def->events[1] = g_strdup (" ");
}

static void
break_quorum (BhDefinition *def)
{
  def->quorum = 0;
}

static void
break_quorum_high (BhDefinition *def)
{
  def->quorum = 1.5;
}

static void
break_threshold (BhDefinition *def)
{
  def->threshold = -0.1;
}

static void
break_clusters_one (BhDefinition *def)
{
  def->clusters = 1;
}

static void
break_clusters_nine (BhDefinition *def)
{
  def->clusters = 9;
}

static void
break_as_of (BhDefinition *def)
{
  g_free (def->as_of);
  def->as_of = g_strdup ("2025-02-30");
}

static void
break_before (BhDefinition *def)
{
  g_free (def->exclude_all_before);
  def->exclude_all_before = g_strdup ("1.1.2020");
}

static void
break_prices (BhDefinition *def)
{
  def->min_avg_price = 90;
}

static void
break_include (BhDefinition *def)
{
  g_free (def->include_ids[0]);
  def->include_ids[0] = g_strdup ("");
}

static void
break_mode (BhDefinition *def)
{
  def->mode = 7;
}

static void
test_definition_validate (void)
{
  static const BreakFunc breakers[] = {
    break_events, break_twice, break_blank, break_quorum, break_quorum_high,
    break_threshold, break_clusters_one, break_clusters_nine, break_as_of,
    break_before, break_prices, break_include, break_mode,
  };
  g_autoptr(BhDefinition) good = make_full_definition ();
  g_autoptr(GError) error = NULL;

  g_assert_true (bh_definition_validate (good, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (breakers); i++)
    {
      g_autoptr(BhDefinition) def = make_full_definition ();
      g_autoptr(GError) local_error = NULL;

      breakers[i] (def);
      g_assert_false (bh_definition_validate (def, &local_error));
      g_assert_error (local_error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (local_error->message, !=, "");
    }

  /* Only one price bound set is fine. */
  good->min_avg_price = -1;
  g_assert_true (bh_definition_validate (good, &error));
  g_assert_no_error (error);
}

static void
test_exclusion_labels (void)
{
  static const char * const reasons[] = {
    "opted-out", "no-email", "holds-ticket", "same-series", "similar-event",
    "excluded-id", "purchase-date", "price", "discount-only", "location", "max-customers",
  };

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      const char *label = bh_exclusion_reason_label (reasons[i]);

      g_assert_nonnull (label);
      g_assert_cmpstr (label, !=, reasons[i]);
    }

  g_assert_cmpstr (bh_exclusion_reason_label ("no-such-reason"), ==, "no-such-reason");
}

static void
test_email_usable (void)
{
  /* What a marketer's mailing tool can send to, and what it cannot. */
  static const char * const usable[] = {
    "anna@example.org", "a.b-c+news@mail.example.co.uk", "  jörg@müller.example  ",
    "X@Y.DE", "o'brien@example.ie",
  };
  static const char * const unusable[] = {
    "", "   ", "none", "-", "anna", "anna@", "@example.org", "anna@example",
    "anna@example.", "anna@.example.org", "anna@example..org", "anna@@example.org",
    "an na@example.org", "anna@exa mple.org", "anna@example.org, bob@example.org",
    "anna@example.org;bob@example.org", "Anna <anna@example.org>", "anna.example.org",
    "anna@b@example.org", "anna\t@example.org",
  };
  g_autofree char *local_part = g_strnfill (250, 'a');
  g_autofree char *long_address = NULL;

  g_assert_false (bh_email_is_usable (NULL));
  for (guint i = 0; i < G_N_ELEMENTS (usable); i++)
    {
      g_test_message ("usable: “%s”", usable[i]);
      g_assert_true (bh_email_is_usable (usable[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (unusable); i++)
    {
      g_test_message ("unusable: “%s”", unusable[i]);
      g_assert_false (bh_email_is_usable (unusable[i]));
    }

  /* Longer than a mail server takes. */
  long_address = g_strdup_printf ("%s@example.org", local_part);
  g_assert_false (bh_email_is_usable (long_address));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/definition/defaults", test_definition_defaults);
  g_test_add_func ("/definition/copy", test_definition_copy);
  g_test_add_func ("/definition/json/round-trip", test_definition_json_round_trip);
  g_test_add_func ("/definition/json/mode", test_definition_json_mode);
  g_test_add_func ("/definition/json/errors", test_definition_json_errors);
  g_test_add_func ("/definition/validate", test_definition_validate);
  g_test_add_func ("/exclusion/labels", test_exclusion_labels);
  g_test_add_func ("/exclusion/email-usable", test_email_usable);

  return g_test_run ();
}
