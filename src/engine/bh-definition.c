/* bh-definition.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-definition"

#include "config.h"

#include <math.h>

#include "bh-definition.h"
#include "bh-error.h"
#include "bh-i18n.h"

/*
 * The default interest threshold. Interest (see bh-snapshot.c) is the
 * cosine of a customer's taste and an event's aspects times the
 * confidence that the customer still comes, so 0.10 asks for a clear
 * match from a regular, or a near-perfect one from someone who bought
 * once recently (whose confidence is about 0.17); precision falls and
 * recall rises smoothly on either side of it. It was 0.15 before
 * profiles were sharpened (see bh-snapshot.c); 0.10 lists about twice
 * as many customers for a typical demo event as 0.15 did, and beat the
 * genre baseline by 1.5 times or more on every demo seed tried, where
 * 0.15 fell short on some (docs/taste-model.md).
 */
#define BH_DEFINITION_DEFAULT_THRESHOLD 0.10
#define BH_DEFINITION_DEFAULT_QUORUM    0.5

G_DEFINE_BOXED_TYPE (BhDefinition, bh_definition,
                     bh_definition_copy, bh_definition_free)

/**
 * bh_definition_new:
 *
 * A definition with every setting at its default: no events, inclusive
 * mode, a quorum of one half, the default interest threshold, automatic
 * clusters, no size limit, the same-series and similar-event exclusions
 * on, and nothing else set.
 *
 * Returns: (transfer full): a new definition
 */
BhDefinition *
bh_definition_new (void)
{
  BhDefinition *self = g_new0 (BhDefinition, 1);

  self->mode = BH_MODE_INCLUSIVE;
  self->quorum = BH_DEFINITION_DEFAULT_QUORUM;
  self->min_avg_price = -1;
  self->max_avg_price = -1;
  self->threshold = BH_DEFINITION_DEFAULT_THRESHOLD;
  self->clusters = 0;
  self->exclude_same_series = TRUE;
  self->exclude_similar = TRUE;

  return self;
}

BhDefinition *
bh_definition_copy (const BhDefinition *self)
{
  BhDefinition *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->title = g_strdup (self->title);
  copy->events = g_strdupv (self->events);
  copy->as_of = g_strdup (self->as_of);
  copy->include_ids = g_strdupv (self->include_ids);
  copy->exclude_ids = g_strdupv (self->exclude_ids);
  copy->exclude_all_before = g_strdup (self->exclude_all_before);
  copy->exclude_all_after = g_strdup (self->exclude_all_after);
  copy->include_post_codes = g_strdupv (self->include_post_codes);
  copy->exclude_post_codes = g_strdupv (self->exclude_post_codes);
  copy->include_cities = g_strdupv (self->include_cities);
  copy->exclude_cities = g_strdupv (self->exclude_cities);

  return copy;
}

void
bh_definition_free (BhDefinition *self)
{
  if (self == NULL)
    return;

  g_free (self->title);
  g_strfreev (self->events);
  g_free (self->as_of);
  g_strfreev (self->include_ids);
  g_strfreev (self->exclude_ids);
  g_free (self->exclude_all_before);
  g_free (self->exclude_all_after);
  g_strfreev (self->include_post_codes);
  g_strfreev (self->exclude_post_codes);
  g_strfreev (self->include_cities);
  g_strfreev (self->exclude_cities);
  g_free (self);
}

const char *
bh_mode_to_string (BhMode mode)
{
  switch (mode)
    {
    case BH_MODE_INCLUSIVE:
      return "inclusive";
    case BH_MODE_SELECTIVE:
      return "selective";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
bh_mode_from_string (const char *text,
                     BhMode     *mode)
{
  g_return_val_if_fail (mode != NULL, FALSE);

  if (g_strcmp0 (text, "inclusive") == 0)
    *mode = BH_MODE_INCLUSIVE;
  else if (g_strcmp0 (text, "selective") == 0)
    *mode = BH_MODE_SELECTIVE;
  else
    return FALSE;

  return TRUE;
}

static gboolean
is_date (const char *text)
{
  int year, month, day;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;

  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  year = atoi (text);
  month = atoi (text + 5);
  day = atoi (text + 8);

  return year >= 1 && g_date_valid_dmy (day, month, year);
}

static gboolean
check_date (const char  *text,
            const char  *what,
            GError     **error)
{
  if (text == NULL || is_date (text))
    return TRUE;

  g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
               /* Translators: the first %s is a setting, such as “as-of date”,
                * the second the text given for it. */
               _("The %s “%s” is not a date of the form YYYY-MM-DD"), _(what), text);
  return FALSE;
}

static gboolean
is_blank (const char *text)
{
  for (; *text; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;

  return TRUE;
}

static gboolean
check_ids (const char * const  *ids,
           const char          *what,
           GError             **error)
{
  if (ids == NULL)
    return TRUE;

  for (guint i = 0; ids[i]; i++)
    if (is_blank (ids[i]))
      {
        g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                     /* Translators: %s is a list, such as “cities to include”. */
                     _("The %s contain an empty entry (number %u)"), _(what), i + 1);
        return FALSE;
      }

  return TRUE;
}

/**
 * bh_definition_validate:
 * @self: a definition
 * @error: return location for a #GError
 *
 * Checks what can be checked without the data: at least one event, no
 * event twice, settings in their ranges, dates well formed. Whether the
 * events exist is checked by the builder. A title is not required here
 * because an estimate has none.
 *
 * Returns: %TRUE if the definition can be built
 */
gboolean
bh_definition_validate (const BhDefinition  *self,
                        GError             **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->events == NULL || self->events[0] == NULL)
    {
      g_set_error_literal (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                           _("Choose at least one event"));
      return FALSE;
    }

  if (!check_ids ((const char * const *)self->events, N_("chosen events"), error))
    return FALSE;

  for (guint i = 0; self->events[i]; i++)
    for (guint j = 0; j < i; j++)
      if (g_strcmp0 (self->events[i], self->events[j]) == 0)
        {
          g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                       _("The event “%s” is chosen twice"), self->events[i]);
          return FALSE;
        }

  if (self->mode != BH_MODE_INCLUSIVE && self->mode != BH_MODE_SELECTIVE)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                   _("Unknown mode %d; use inclusive or selective"), (int)self->mode);
      return FALSE;
    }

  if (!(self->quorum > 0 && self->quorum <= 1))
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                   _("The quorum must be a share above 0 and at most 1, not %g"),
                   self->quorum);
      return FALSE;
    }

  if (!(self->threshold >= 0 && self->threshold <= 1))
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                   _("The interest threshold must lie between 0 and 1, not %g"),
                   self->threshold);
      return FALSE;
    }

  if (self->clusters == 1 || self->clusters > 8)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                   _("The number of clusters must be 2 to 8, or 0 for automatic, not %u"),
                   self->clusters);
      return FALSE;
    }

  if (!check_date (self->as_of, N_("as-of date"), error) ||
      !check_date (self->exclude_all_before, N_("purchase date bound"), error) ||
      !check_date (self->exclude_all_after, N_("purchase date bound"), error))
    return FALSE;

  if (isnan (self->min_avg_price) || isnan (self->max_avg_price) ||
      (self->min_avg_price >= 0 && self->max_avg_price >= 0 &&
       self->min_avg_price > self->max_avg_price))
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                   _("The lowest average price (%g) is above the highest (%g)"),
                   self->min_avg_price, self->max_avg_price);
      return FALSE;
    }

  if (!check_ids ((const char * const *)self->include_ids, N_("customers to include"), error) ||
      !check_ids ((const char * const *)self->exclude_ids, N_("customers to exclude"), error) ||
      !check_ids ((const char * const *)self->include_post_codes,
                  N_("post codes to include"), error) ||
      !check_ids ((const char * const *)self->exclude_post_codes,
                  N_("post codes to exclude"), error) ||
      !check_ids ((const char * const *)self->include_cities, N_("cities to include"), error) ||
      !check_ids ((const char * const *)self->exclude_cities, N_("cities to exclude"), error))
    return FALSE;

  return TRUE;
}

static void
add_strv (JsonBuilder        *builder,
          const char         *key,
          const char * const *strv)
{
  if (strv == NULL)
    return;

  json_builder_set_member_name (builder, key);
  json_builder_begin_array (builder);
  for (guint i = 0; strv[i]; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

static void
add_string (JsonBuilder *builder,
            const char  *key,
            const char  *value)
{
  if (value == NULL)
    return;

  json_builder_set_member_name (builder, key);
  json_builder_add_string_value (builder, value);
}

/**
 * bh_definition_to_json:
 * @self: a definition
 *
 * The JSON form: an object whose members are named like the fields of
 * #BhDefinition ("events", "mode", "as_of", "include_ids", …). Strings
 * and lists that are not set, and prices below zero, are left out.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
bh_definition_to_json (const BhDefinition *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  add_string (builder, "title", self->title);
  add_strv (builder, "events", (const char * const *)self->events);
  add_string (builder, "mode", bh_mode_to_string (self->mode));
  json_builder_set_member_name (builder, "quorum");
  json_builder_add_double_value (builder, self->quorum);
  add_string (builder, "as_of", self->as_of);
  add_strv (builder, "include_ids", (const char * const *)self->include_ids);
  add_strv (builder, "exclude_ids", (const char * const *)self->exclude_ids);
  add_string (builder, "exclude_all_before", self->exclude_all_before);
  add_string (builder, "exclude_all_after", self->exclude_all_after);
  if (self->min_avg_price >= 0)
    {
      json_builder_set_member_name (builder, "min_avg_price");
      json_builder_add_double_value (builder, self->min_avg_price);
    }
  if (self->max_avg_price >= 0)
    {
      json_builder_set_member_name (builder, "max_avg_price");
      json_builder_add_double_value (builder, self->max_avg_price);
    }
  json_builder_set_member_name (builder, "exclude_discount_only");
  json_builder_add_boolean_value (builder, self->exclude_discount_only);
  add_strv (builder, "include_post_codes", (const char * const *)self->include_post_codes);
  add_strv (builder, "exclude_post_codes", (const char * const *)self->exclude_post_codes);
  add_strv (builder, "include_cities", (const char * const *)self->include_cities);
  add_strv (builder, "exclude_cities", (const char * const *)self->exclude_cities);
  json_builder_set_member_name (builder, "max_customers");
  json_builder_add_int_value (builder, self->max_customers);
  json_builder_set_member_name (builder, "clusters");
  json_builder_add_int_value (builder, self->clusters);
  json_builder_set_member_name (builder, "threshold");
  json_builder_add_double_value (builder, self->threshold);
  json_builder_set_member_name (builder, "exclude_same_series");
  json_builder_add_boolean_value (builder, self->exclude_same_series);
  json_builder_set_member_name (builder, "exclude_similar");
  json_builder_add_boolean_value (builder, self->exclude_similar);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
wrong_type (const char  *key,
            const char  *expected,
            GError     **error)
{
  g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
               /* Translators: “%s” is a JSON key, the second %s what it
                * must be, such as “a list of strings”. */
               _("In the package definition, “%s” must be %s"), key, _(expected));
  return FALSE;
}

static gboolean
read_string (JsonObject  *object,
             const char  *key,
             char       **value,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (key, N_("a string"), error);

  g_free (*value);
  *value = json_node_dup_string (node);

  return TRUE;
}

static gboolean
read_strv (JsonObject  *object,
           const char  *key,
           GStrv       *value,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (key, N_("a list of strings"), error);

  array = json_node_get_array (node);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) ||
          json_node_get_value_type (element) != G_TYPE_STRING)
        return wrong_type (key, N_("a list of strings"), error);

      g_strv_builder_add (builder, json_node_get_string (element));
    }

  g_strfreev (*value);
  *value = g_strv_builder_end (builder);

  return TRUE;
}

static gboolean
read_number (JsonObject  *object,
             const char  *key,
             double      *value,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);
  GType type;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return wrong_type (key, N_("a number"), error);

  *value = json_node_get_double (node);

  return TRUE;
}

static gboolean
read_count (JsonObject  *object,
            const char  *key,
            guint       *value,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);
  gint64 number;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return wrong_type (key, N_("a whole number"), error);

  number = json_node_get_int (node);
  if (number < 0 || number > G_MAXUINT)
    return wrong_type (key, N_("a whole number from 0"), error);

  *value = (guint)number;

  return TRUE;
}

static gboolean
read_boolean (JsonObject  *object,
              const char  *key,
              gboolean    *value,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return wrong_type (key, N_("true or false"), error);

  *value = json_node_get_boolean (node);

  return TRUE;
}

/**
 * bh_definition_new_from_json:
 * @node: a JSON object as bh_definition_to_json() writes it
 * @error: return location for a #GError
 *
 * Reads a definition; members left out keep their defaults. The result
 * is not validated (see bh_definition_validate()), only type checked.
 *
 * Returns: (transfer full): the definition, or %NULL with @error set
 */
BhDefinition *
bh_definition_new_from_json (JsonNode  *node,
                             GError   **error)
{
  g_autoptr(BhDefinition) self = bh_definition_new ();
  g_autofree char *mode = NULL;
  JsonObject *object;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                           _("A package definition must be a JSON object"));
      return NULL;
    }

  object = json_node_get_object (node);

  if (!read_string (object, "title", &self->title, error) ||
      !read_strv (object, "events", &self->events, error) ||
      !read_string (object, "mode", &mode, error) ||
      !read_number (object, "quorum", &self->quorum, error) ||
      !read_string (object, "as_of", &self->as_of, error) ||
      !read_strv (object, "include_ids", &self->include_ids, error) ||
      !read_strv (object, "exclude_ids", &self->exclude_ids, error) ||
      !read_string (object, "exclude_all_before", &self->exclude_all_before, error) ||
      !read_string (object, "exclude_all_after", &self->exclude_all_after, error) ||
      !read_number (object, "min_avg_price", &self->min_avg_price, error) ||
      !read_number (object, "max_avg_price", &self->max_avg_price, error) ||
      !read_boolean (object, "exclude_discount_only", &self->exclude_discount_only, error) ||
      !read_strv (object, "include_post_codes", &self->include_post_codes, error) ||
      !read_strv (object, "exclude_post_codes", &self->exclude_post_codes, error) ||
      !read_strv (object, "include_cities", &self->include_cities, error) ||
      !read_strv (object, "exclude_cities", &self->exclude_cities, error) ||
      !read_count (object, "max_customers", &self->max_customers, error) ||
      !read_count (object, "clusters", &self->clusters, error) ||
      !read_number (object, "threshold", &self->threshold, error) ||
      !read_boolean (object, "exclude_same_series", &self->exclude_same_series, error) ||
      !read_boolean (object, "exclude_similar", &self->exclude_similar, error))
    return NULL;

  if (mode != NULL && !bh_mode_from_string (mode, &self->mode))
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                   _("Unknown mode “%s”; use inclusive or selective"), mode);
      return NULL;
    }

  return g_steal_pointer (&self);
}
