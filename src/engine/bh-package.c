/* bh-package.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-package"

#include "config.h"

#include "bh-error.h"
#include "bh-i18n.h"
#include "bh-package-private.h"

/*
 * A package as the interface, the CLI and the server see it: its
 * definition, where it is in its life, and its result without the
 * member list (the engine lists members from the store on demand).
 *
 * The JSON form (bh_package_to_json()) is one object: the header fields
 * (id, title, status, progress, failure, created, built, expires,
 * merge_id, definition) and the result fields that the store also keeps
 * in package.result (members, considered, exclusions, clusters,
 * matched_ids, unmatched_ids). Times are ISO 8601 in UTC.
 */

struct _BhPackage
{
  GObject          parent_instance;

  gint64           id;
  BhDefinition    *definition;
  BhPackageStatus  status;
  double           progress;
  char            *failure;
  GDateTime       *created;
  GDateTime       *built;
  GDateTime       *expires;
  guint            members;
  guint            considered;
  gint64           merge_id;
  GArray          *exclusions;
  GListStore      *clusters;
  guint            matched_ids;
  GStrv            unmatched_ids;
};

G_DEFINE_FINAL_TYPE (BhPackage, bh_package, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (BhPackageStatus, bh_package_status,
  G_DEFINE_ENUM_VALUE (BH_PACKAGE_STATUS_IN_PROGRESS, "in-progress"),
  G_DEFINE_ENUM_VALUE (BH_PACKAGE_STATUS_DONE, "done"),
  G_DEFINE_ENUM_VALUE (BH_PACKAGE_STATUS_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (BH_PACKAGE_STATUS_EXPIRED, "expired"))

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_STATUS,
  PROP_PROGRESS,
  PROP_FAILURE,
  PROP_CREATED,
  PROP_BUILT,
  PROP_EXPIRES,
  PROP_MEMBERS,
  PROP_CONSIDERED,
  PROP_MERGE_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
bh_package_status_to_string (BhPackageStatus status)
{
  switch (status)
    {
    case BH_PACKAGE_STATUS_IN_PROGRESS:
      return "in-progress";
    case BH_PACKAGE_STATUS_DONE:
      return "done";
    case BH_PACKAGE_STATUS_FAILED:
      return "failed";
    case BH_PACKAGE_STATUS_EXPIRED:
      return "expired";
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * bh_package_status_label:
 * @status: a #BhPackageStatus
 *
 * The status as people read it, translated; bh_package_status_to_string()
 * gives the stable key of the JSON instead.
 *
 * Returns: a static string
 */
const char *
bh_package_status_label (BhPackageStatus status)
{
  switch (status)
    {
    case BH_PACKAGE_STATUS_IN_PROGRESS:
      return C_("package status", "In progress");
    case BH_PACKAGE_STATUS_DONE:
      return C_("package status", "Done");
    case BH_PACKAGE_STATUS_FAILED:
      return C_("package status", "Failed");
    case BH_PACKAGE_STATUS_EXPIRED:
      return C_("package status", "Expired");
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
_bh_package_status_from_string (const char      *text,
                                BhPackageStatus *status)
{
  g_assert (status != NULL);

  for (BhPackageStatus s = BH_PACKAGE_STATUS_IN_PROGRESS; s <= BH_PACKAGE_STATUS_EXPIRED; s++)
    {
      if (g_strcmp0 (text, bh_package_status_to_string (s)) == 0)
        {
          *status = s;
          return TRUE;
        }
    }

  return FALSE;
}

static void
exclusion_clear (gpointer data)
{
  BhExclusion *exclusion = data;

  g_clear_pointer (&exclusion->reason, g_free);
}

static GArray *
exclusions_new (void)
{
  GArray *exclusions = g_array_new (FALSE, TRUE, sizeof (BhExclusion));

  g_array_set_clear_func (exclusions, exclusion_clear);

  return exclusions;
}

static void
bh_package_finalize (GObject *object)
{
  BhPackage *self = (BhPackage *)object;

  g_clear_pointer (&self->definition, bh_definition_free);
  g_clear_pointer (&self->failure, g_free);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->built, g_date_time_unref);
  g_clear_pointer (&self->expires, g_date_time_unref);
  g_clear_pointer (&self->exclusions, g_array_unref);
  g_clear_object (&self->clusters);
  g_clear_pointer (&self->unmatched_ids, g_strfreev);

  G_OBJECT_CLASS (bh_package_parent_class)->finalize (object);
}

static void
bh_package_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  BhPackage *self = BH_PACKAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_TITLE:
      g_value_set_string (value, bh_package_get_title (self));
      break;

    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;

    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;

    case PROP_FAILURE:
      g_value_set_string (value, self->failure);
      break;

    case PROP_CREATED:
      g_value_set_boxed (value, self->created);
      break;

    case PROP_BUILT:
      g_value_set_boxed (value, self->built);
      break;

    case PROP_EXPIRES:
      g_value_set_boxed (value, self->expires);
      break;

    case PROP_MEMBERS:
      g_value_set_uint (value, self->members);
      break;

    case PROP_CONSIDERED:
      g_value_set_uint (value, self->considered);
      break;

    case PROP_MERGE_ID:
      g_value_set_int64 (value, self->merge_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_package_class_init (BhPackageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bh_package_finalize;
  object_class->get_property = bh_package_get_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL,
                       BH_TYPE_PACKAGE_STATUS, BH_PACKAGE_STATUS_IN_PROGRESS, flags);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_FAILURE] =
    g_param_spec_string ("failure", NULL, NULL, NULL, flags);
  properties[PROP_CREATED] =
    g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_BUILT] =
    g_param_spec_boxed ("built", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_EXPIRES] =
    g_param_spec_boxed ("expires", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_MEMBERS] =
    g_param_spec_uint ("members", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_CONSIDERED] =
    g_param_spec_uint ("considered", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_MERGE_ID] =
    g_param_spec_int64 ("merge-id", NULL, NULL, 0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bh_package_init (BhPackage *self)
{
  self->exclusions = exclusions_new ();
  self->clusters = g_list_store_new (BH_TYPE_CLUSTER);
}

BhPackage *
_bh_package_new (gint64              id,
                 const BhDefinition *definition,
                 GDateTime          *created)
{
  BhPackage *self;

  g_assert (definition != NULL);
  g_assert (created != NULL);

  self = g_object_new (BH_TYPE_PACKAGE, NULL);
  self->id = id;
  self->definition = bh_definition_copy (definition);
  self->created = g_date_time_ref (created);

  return self;
}

void
_bh_package_set_status (BhPackage       *self,
                        BhPackageStatus  status,
                        const char      *failure)
{
  g_assert (BH_IS_PACKAGE (self));

  if (g_strcmp0 (self->failure, failure) != 0)
    {
      g_free (self->failure);
      self->failure = g_strdup (failure);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURE]);
    }

  if (self->status != status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
}

void
_bh_package_set_progress (BhPackage *self,
                          double     progress)
{
  g_assert (BH_IS_PACKAGE (self));

  progress = CLAMP (progress, 0.0, 1.0);

  if (self->progress != progress)
    {
      self->progress = progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
}

static gboolean
set_date_time (GDateTime **slot,
               GDateTime  *value)
{
  if (*slot == value || (*slot && value && g_date_time_equal (*slot, value)))
    return FALSE;

  g_clear_pointer (slot, g_date_time_unref);
  *slot = value ? g_date_time_ref (value) : NULL;

  return TRUE;
}

void
_bh_package_set_built (BhPackage *self,
                       GDateTime *built,
                       GDateTime *expires)
{
  g_assert (BH_IS_PACKAGE (self));

  if (set_date_time (&self->built, built))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUILT]);

  if (set_date_time (&self->expires, expires))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPIRES]);
}

void
_bh_package_set_merge_id (BhPackage *self,
                          gint64     merge_id)
{
  g_assert (BH_IS_PACKAGE (self));

  if (self->merge_id != merge_id)
    {
      self->merge_id = merge_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MERGE_ID]);
    }
}

static void
set_members (BhPackage *self,
             guint      members)
{
  if (self->members != members)
    {
      self->members = members;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMBERS]);
    }
}

static void
set_considered (BhPackage *self,
                guint      considered)
{
  if (self->considered != considered)
    {
      self->considered = considered;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONSIDERED]);
    }
}

void
_bh_package_set_clusters (BhPackage *self,
                          GPtrArray *clusters,
                          guint      members)
{
  g_assert (BH_IS_PACKAGE (self));
  g_assert (clusters != NULL);

  g_list_store_splice (self->clusters, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->clusters)),
                       clusters->pdata, clusters->len);
  set_members (self, members);
}

void
_bh_package_set_result (BhPackage          *self,
                        guint               members,
                        guint               considered,
                        GArray             *exclusions,
                        GPtrArray          *clusters,
                        guint               matched_ids,
                        const char * const *unmatched_ids)
{
  g_assert (BH_IS_PACKAGE (self));
  g_assert (exclusions != NULL);
  g_assert (clusters != NULL);

  g_array_set_size (self->exclusions, 0);
  for (guint i = 0; i < exclusions->len; i++)
    {
      const BhExclusion *from = &g_array_index (exclusions, BhExclusion, i);
      BhExclusion copy = { g_strdup (from->reason), from->count };

      g_array_append_val (self->exclusions, copy);
    }

  self->matched_ids = matched_ids;
  g_clear_pointer (&self->unmatched_ids, g_strfreev);
  self->unmatched_ids = g_strdupv ((char **)unmatched_ids);

  set_considered (self, considered);
  _bh_package_set_clusters (self, clusters, members);
}

gint64
bh_package_get_id (BhPackage *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE (self), 0);

  return self->id;
}

const char *
bh_package_get_title (BhPackage *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE (self), NULL);

  return self->definition->title ? self->definition->title : "";
}

const BhDefinition *
bh_package_get_definition (BhPackage *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE (self), NULL);

  return self->definition;
}

BhPackageStatus
bh_package_get_status (BhPackage *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE (self), BH_PACKAGE_STATUS_FAILED);

  return self->status;
}

double
bh_package_get_progress (BhPackage *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE (self), 0);

  return self->progress;
}

const char *
bh_package_get_failure (BhPackage *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE (self), NULL);

  return self->failure;
}

GDateTime *
bh_package_get_created (BhPackage *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE (self), NULL);

  return self->created;
}

GDateTime *
bh_package_get_built (BhPackage *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE (self), NULL);

  return self->built;
}

GDateTime *
bh_package_get_expires (BhPackage *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE (self), NULL);

  return self->expires;
}

guint
bh_package_get_members (BhPackage *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE (self), 0);

  return self->members;
}

guint
bh_package_get_considered (BhPackage *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE (self), 0);

  return self->considered;
}

gint64
bh_package_get_merge_id (BhPackage *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE (self), 0);

  return self->merge_id;
}

/**
 * bh_package_get_exclusions:
 * @self: a #BhPackage
 *
 * Returns: (transfer none) (element-type BhExclusion): excluded customers
 *   by reason, in the documented order of the reasons
 */
GArray *
bh_package_get_exclusions (BhPackage *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE (self), NULL);

  return self->exclusions;
}

/**
 * bh_package_get_clusters:
 * @self: a #BhPackage
 *
 * Returns: (transfer none): a #GListModel of #BhCluster, by index
 */
GListModel *
bh_package_get_clusters (BhPackage *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE (self), NULL);

  return G_LIST_MODEL (self->clusters);
}

const char * const *
bh_package_get_unmatched_ids (BhPackage *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (BH_IS_PACKAGE (self), NULL);

  return self->unmatched_ids ? (const char * const *)self->unmatched_ids : none;
}

guint
bh_package_get_matched_ids (BhPackage *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE (self), 0);

  return self->matched_ids;
}

static void
add_result_members (BhPackage   *self,
                    JsonBuilder *builder)
{
  guint n_clusters = g_list_model_get_n_items (G_LIST_MODEL (self->clusters));

  json_builder_set_member_name (builder, "members");
  json_builder_add_int_value (builder, self->members);
  json_builder_set_member_name (builder, "considered");
  json_builder_add_int_value (builder, self->considered);

  json_builder_set_member_name (builder, "exclusions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->exclusions->len; i++)
    {
      const BhExclusion *exclusion = &g_array_index (self->exclusions, BhExclusion, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, exclusion->reason);
      json_builder_set_member_name (builder, "label");
      json_builder_add_string_value (builder, bh_exclusion_reason_label (exclusion->reason));
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, exclusion->count);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "clusters");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_clusters; i++)
    {
      g_autoptr(BhCluster) cluster = g_list_model_get_item (G_LIST_MODEL (self->clusters), i);

      json_builder_add_value (builder, bh_cluster_to_json (cluster));
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "matched_ids");
  json_builder_add_int_value (builder, self->matched_ids);

  json_builder_set_member_name (builder, "unmatched_ids");
  json_builder_begin_array (builder);
  for (guint i = 0; self->unmatched_ids && self->unmatched_ids[i]; i++)
    json_builder_add_string_value (builder, self->unmatched_ids[i]);
  json_builder_end_array (builder);
}

JsonNode *
_bh_package_result_to_json (BhPackage *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_assert (BH_IS_PACKAGE (self));

  json_builder_begin_object (builder);
  add_result_members (self, builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
add_date_time (JsonBuilder *builder,
               const char  *name,
               GDateTime   *value)
{
  json_builder_set_member_name (builder, name);

  if (value)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (value);
      g_autofree char *text = g_date_time_format_iso8601 (utc);

      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_null_value (builder);
}

/**
 * bh_package_to_json:
 * @self: a #BhPackage
 *
 * The one JSON form of a package, used by the CLI's --json output and
 * the server. bh_package_new_from_json() reads it back.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
bh_package_to_json (BhPackage *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (BH_IS_PACKAGE (self), NULL);

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, self->id);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, bh_package_get_title (self));
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, bh_package_status_to_string (self->status));
  json_builder_set_member_name (builder, "progress");
  json_builder_add_double_value (builder, self->progress);
  json_builder_set_member_name (builder, "failure");
  if (self->failure)
    json_builder_add_string_value (builder, self->failure);
  else
    json_builder_add_null_value (builder);
  add_date_time (builder, "created", self->created);
  add_date_time (builder, "built", self->built);
  add_date_time (builder, "expires", self->expires);
  json_builder_set_member_name (builder, "merge_id");
  json_builder_add_int_value (builder, self->merge_id);
  json_builder_set_member_name (builder, "definition");
  json_builder_add_value (builder, bh_definition_to_json (self->definition));

  add_result_members (self, builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
wrong_member (const char  *key,
              const char  *expected,
              GError     **error)
{
  g_set_error (error, BH_ERROR, BH_ERROR_INVALID_DATA,
               "In the package, “%s” must be %s", key, expected);

  return FALSE;
}

/* A missing or null member leaves *value alone. */
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

  if (json_node_get_value_type (node) != G_TYPE_INT64 ||
      (number = json_node_get_int (node)) < 0 || number > G_MAXUINT)
    return wrong_member (key, "a whole number from 0", error);

  *value = (guint)number;

  return TRUE;
}

static gboolean
read_id (JsonObject  *object,
         const char  *key,
         gint64      *value,
         GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) < 0)
    return wrong_member (key, "a whole number from 0", error);

  *value = json_node_get_int (node);

  return TRUE;
}

static gboolean
read_array (JsonObject  *object,
            const char  *key,
            JsonArray  **value,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  *value = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_member (key, "a list", error);

  *value = json_node_get_array (node);

  return TRUE;
}

static gboolean
read_string (JsonObject  *object,
             const char  *key,
             const char **value,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  *value = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_member (key, "a string", error);

  *value = json_node_get_string (node);

  return TRUE;
}

static gboolean
read_date_time (JsonObject  *object,
                const char  *key,
                GDateTime  **value,
                GError     **error)
{
  const char *text;

  *value = NULL;

  if (!read_string (object, key, &text, error))
    return FALSE;

  if (text && !(*value = g_date_time_new_from_iso8601 (text, NULL)))
    return wrong_member (key, "a time in ISO 8601 form", error);

  return TRUE;
}

gboolean
_bh_package_load_result (BhPackage  *self,
                         JsonNode   *node,
                         GError    **error)
{
  g_autoptr(GArray) exclusions = exclusions_new ();
  g_autoptr(GPtrArray) clusters = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GStrvBuilder) unmatched = g_strv_builder_new ();
  g_auto(GStrv) unmatched_ids = NULL;
  JsonObject *object;
  JsonArray *array;
  guint members = 0;
  guint considered = 0;
  guint matched = 0;

  g_assert (BH_IS_PACKAGE (self));

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, BH_ERROR, BH_ERROR_INVALID_DATA,
                           "A package must be a JSON object");
      return FALSE;
    }

  object = json_node_get_object (node);

  if (!read_count (object, "members", &members, error) ||
      !read_count (object, "considered", &considered, error) ||
      !read_count (object, "matched_ids", &matched, error))
    return FALSE;

  if (!read_array (object, "exclusions", &array, error))
    return FALSE;
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      BhExclusion exclusion = { 0 };
      const char *reason;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return wrong_member ("exclusions", "a list of objects", error);
      if (!read_string (json_node_get_object (element), "reason", &reason, error) ||
          !read_count (json_node_get_object (element), "count", &exclusion.count, error))
        return FALSE;
      if (reason == NULL)
        return wrong_member ("exclusions", "a list of objects with a reason", error);

      exclusion.reason = g_strdup (reason);
      g_array_append_val (exclusions, exclusion);
    }

  if (!read_array (object, "clusters", &array, error))
    return FALSE;
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      BhCluster *cluster = bh_cluster_new_from_json (json_array_get_element (array, i), error);

      if (cluster == NULL)
        return FALSE;

      g_ptr_array_add (clusters, cluster);
    }

  if (!read_array (object, "unmatched_ids", &array, error))
    return FALSE;
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      const char *id = json_array_get_string_element (array, i);

      if (id == NULL)
        return wrong_member ("unmatched_ids", "a list of strings", error);

      g_strv_builder_add (unmatched, id);
    }
  unmatched_ids = g_strv_builder_end (unmatched);

  _bh_package_set_result (self, members, considered, exclusions, clusters,
                          matched, (const char * const *)unmatched_ids);

  return TRUE;
}

/**
 * bh_package_new_from_json:
 * @node: the JSON form of a package, as bh_package_to_json() writes it
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the package, or %NULL with @error set
 */
BhPackage *
bh_package_new_from_json (JsonNode  *node,
                          GError   **error)
{
  g_autoptr(BhPackage) self = NULL;
  g_autoptr(BhDefinition) definition = NULL;
  g_autoptr(GDateTime) created = NULL;
  g_autoptr(GDateTime) built = NULL;
  g_autoptr(GDateTime) expires = NULL;
  JsonObject *object;
  JsonNode *member;
  const char *status_text;
  const char *failure;
  BhPackageStatus status;
  gint64 id = 0;
  gint64 merge_id = 0;
  double progress = 0;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, BH_ERROR, BH_ERROR_INVALID_DATA,
                           "A package must be a JSON object");
      return NULL;
    }

  object = json_node_get_object (node);

  if (!read_id (object, "id", &id, error) ||
      !read_id (object, "merge_id", &merge_id, error) ||
      !read_string (object, "status", &status_text, error) ||
      !read_string (object, "failure", &failure, error) ||
      !read_date_time (object, "created", &created, error) ||
      !read_date_time (object, "built", &built, error) ||
      !read_date_time (object, "expires", &expires, error))
    return NULL;

  if ((member = json_object_get_member (object, "progress")) && !JSON_NODE_HOLDS_NULL (member))
    {
      GType type = json_node_get_value_type (member);

      if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
        {
          wrong_member ("progress", "a number from 0 to 1", error);
          return NULL;
        }

      progress = json_node_get_double (member);
    }

  if (!_bh_package_status_from_string (status_text, &status))
    {
      wrong_member ("status", "in-progress, done, failed or expired", error);
      return NULL;
    }

  if (created == NULL)
    {
      wrong_member ("created", "a time in ISO 8601 form", error);
      return NULL;
    }

  if (!(member = json_object_get_member (object, "definition")))
    {
      wrong_member ("definition", "a package definition", error);
      return NULL;
    }

  if (!(definition = bh_definition_new_from_json (member, error)))
    return NULL;

  self = _bh_package_new (id, definition, created);
  _bh_package_set_status (self, status, failure);
  _bh_package_set_progress (self, progress);
  _bh_package_set_built (self, built, expires);
  _bh_package_set_merge_id (self, merge_id);

  if (!_bh_package_load_result (self, node, error))
    return NULL;

  return g_steal_pointer (&self);
}
