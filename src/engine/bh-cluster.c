/* bh-cluster.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-cluster"

#include "config.h"

#include <math.h>

#include "bh-cluster.h"
#include "bh-error.h"
#include "bh-i18n.h"

#define MAX_TOPICS     5
#define MAX_TOP_EVENTS 3

struct _BhCluster
{
  GObject           parent_instance;

  guint             index;
  char             *name;
  GArray           *topics;
  GArray           *top_events;
  BhClusterFigures  figures;
};

G_DEFINE_FINAL_TYPE (BhCluster, bh_cluster, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INDEX,
  PROP_NAME,
  PROP_MEMBERS,
  PROP_SHARE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
clear_topic (gpointer data)
{
  BhTopic *topic = data;

  g_clear_pointer (&topic->aspect, g_free);
}

static void
clear_top_event (gpointer data)
{
  BhTopEvent *top = data;

  g_clear_pointer (&top->event_id, g_free);
  g_clear_pointer (&top->title, g_free);
}

static void
clear_figures (BhClusterFigures *figures)
{
  g_clear_pointer (&figures->preferred_category, g_free);
  g_clear_pointer (&figures->currency, g_free);
}

static void
bh_cluster_finalize (GObject *object)
{
  BhCluster *self = (BhCluster *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->topics, g_array_unref);
  g_clear_pointer (&self->top_events, g_array_unref);
  clear_figures (&self->figures);

  G_OBJECT_CLASS (bh_cluster_parent_class)->finalize (object);
}

static void
bh_cluster_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  BhCluster *self = BH_CLUSTER (object);

  switch (prop_id)
    {
    case PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_MEMBERS:
      g_value_set_uint (value, self->figures.members);
      break;

    case PROP_SHARE:
      g_value_set_double (value, self->figures.share);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_cluster_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  BhCluster *self = BH_CLUSTER (object);

  switch (prop_id)
    {
    case PROP_INDEX:
      self->index = g_value_get_uint (value);
      break;

    case PROP_NAME:
      bh_cluster_set_name (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_cluster_class_init (BhClusterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bh_cluster_finalize;
  object_class->get_property = bh_cluster_get_property;
  object_class->set_property = bh_cluster_set_property;

  properties[PROP_INDEX] =
    g_param_spec_uint ("index", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE |
                        G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS));

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_MEMBERS] =
    g_param_spec_uint ("members", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties[PROP_SHARE] =
    g_param_spec_double ("share", NULL, NULL,
                         0, 1, 0,
                         (G_PARAM_READABLE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bh_cluster_init (BhCluster *self)
{
  self->topics = g_array_new (FALSE, TRUE, sizeof (BhTopic));
  g_array_set_clear_func (self->topics, clear_topic);
  self->top_events = g_array_new (FALSE, TRUE, sizeof (BhTopEvent));
  g_array_set_clear_func (self->top_events, clear_top_event);

  self->figures.avg_order_value = NAN;
  self->figures.median_order_value = NAN;
  self->figures.avg_ticket_value = NAN;
  self->figures.median_days_in_advance = NAN;
  self->figures.avg_yearly_visits = NAN;
}

BhCluster *
bh_cluster_new (guint       index,
                const char *name)
{
  return g_object_new (BH_TYPE_CLUSTER,
                       "index", index,
                       "name", name,
                       NULL);
}

guint
bh_cluster_get_index (BhCluster *self)
{
  g_return_val_if_fail (BH_IS_CLUSTER (self), 0);

  return self->index;
}

const char *
bh_cluster_get_name (BhCluster *self)
{
  g_return_val_if_fail (BH_IS_CLUSTER (self), NULL);

  return self->name;
}

void
bh_cluster_set_name (BhCluster  *self,
                     const char *name)
{
  g_return_if_fail (BH_IS_CLUSTER (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

GArray *
bh_cluster_get_topics (BhCluster *self)
{
  g_return_val_if_fail (BH_IS_CLUSTER (self), NULL);

  return self->topics;
}

static int
compare_topics (gconstpointer a,
                gconstpointer b)
{
  const BhTopic *ta = a;
  const BhTopic *tb = b;

  if (ta->weight != tb->weight)
    return ta->weight > tb->weight ? -1 : 1;

  return g_strcmp0 (ta->aspect, tb->aspect);
}

/**
 * bh_cluster_add_topic:
 * @self: a cluster
 * @aspect: "kind:value"
 * @weight: how much more this cluster cares about it, > 0
 *
 * Adds a topic, keeping the topics heaviest first; beyond five, the
 * lightest is dropped.
 */
void
bh_cluster_add_topic (BhCluster  *self,
                      const char *aspect,
                      double      weight)
{
  BhTopic topic;

  g_return_if_fail (BH_IS_CLUSTER (self));
  g_return_if_fail (aspect != NULL);

  topic.aspect = g_strdup (aspect);
  topic.weight = weight;
  g_array_append_val (self->topics, topic);
  g_array_sort (self->topics, compare_topics);

  if (self->topics->len > MAX_TOPICS)
    g_array_set_size (self->topics, MAX_TOPICS);
}

GArray *
bh_cluster_get_top_events (BhCluster *self)
{
  g_return_val_if_fail (BH_IS_CLUSTER (self), NULL);

  return self->top_events;
}

static int
compare_top_events (gconstpointer a,
                    gconstpointer b)
{
  const BhTopEvent *ta = a;
  const BhTopEvent *tb = b;

  if (ta->interest != tb->interest)
    return ta->interest > tb->interest ? -1 : 1;

  return g_strcmp0 (ta->event_id, tb->event_id);
}

/**
 * bh_cluster_add_top_event:
 * @self: a cluster
 * @event_id: the external event id
 * @title: the event's title
 * @interest: the cluster's mean interest in it
 *
 * Adds a chosen event, keeping the most interesting three.
 */
void
bh_cluster_add_top_event (BhCluster  *self,
                          const char *event_id,
                          const char *title,
                          double      interest)
{
  BhTopEvent top;

  g_return_if_fail (BH_IS_CLUSTER (self));
  g_return_if_fail (event_id != NULL);

  top.event_id = g_strdup (event_id);
  top.title = g_strdup (title);
  top.interest = interest;
  g_array_append_val (self->top_events, top);
  g_array_sort (self->top_events, compare_top_events);

  if (self->top_events->len > MAX_TOP_EVENTS)
    g_array_set_size (self->top_events, MAX_TOP_EVENTS);
}

const BhClusterFigures *
bh_cluster_get_figures (BhCluster *self)
{
  g_return_val_if_fail (BH_IS_CLUSTER (self), NULL);

  return &self->figures;
}

void
bh_cluster_set_figures (BhCluster              *self,
                        const BhClusterFigures *figures)
{
  gboolean members_changed, share_changed;
  char *category;
  char *currency;

  g_return_if_fail (BH_IS_CLUSTER (self));
  g_return_if_fail (figures != NULL);

  members_changed = self->figures.members != figures->members;
  share_changed = self->figures.share != figures->share;

  category = g_strdup (figures->preferred_category);
  currency = g_strdup (figures->currency);
  clear_figures (&self->figures);
  self->figures = *figures;
  self->figures.preferred_category = category;
  self->figures.currency = currency;

  if (members_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMBERS]);
  if (share_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARE]);
}

/**
 * bh_cluster_weekday_label:
 * @weekday: a #BhClusterFigures.preferred_weekday, 1 Monday … 7 Sunday
 *
 * The weekday a cluster prefers, in the plural, translated.
 *
 * Returns: (nullable): a static string, or %NULL for an unknown day
 */
const char *
bh_cluster_weekday_label (int weekday)
{
  switch (weekday)
    {
    /* Translators: as in “Prefers Saturdays”. */
    case 1: return _("Mondays");
    case 2: return _("Tuesdays");
    case 3: return _("Wednesdays");
    case 4: return _("Thursdays");
    case 5: return _("Fridays");
    case 6: return _("Saturdays");
    case 7: return _("Sundays");
    default: return NULL;
    }
}

char *
bh_cluster_dup_topics_text (BhCluster *self)
{
  GString *text;

  g_return_val_if_fail (BH_IS_CLUSTER (self), NULL);

  text = g_string_new (NULL);
  for (guint i = 0; i < self->topics->len; i++)
    {
      const BhTopic *topic = &g_array_index (self->topics, BhTopic, i);

      if (i > 0)
        g_string_append (text, " · ");
      g_string_append (text, topic->aspect);
    }

  return g_string_free (text, FALSE);
}

/* A figure without data is NAN in C and null in JSON. */
static void
add_figure (JsonBuilder *builder,
            const char  *key,
            double       value)
{
  json_builder_set_member_name (builder, key);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

/**
 * bh_cluster_to_json:
 * @self: a cluster
 *
 * The JSON form: index, name, topics (aspect, weight), top_events
 * (event_id, title, interest) and figures, whose members are named like
 * the fields of #BhClusterFigures; figures without data are null.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
bh_cluster_to_json (BhCluster *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const BhClusterFigures *f;

  g_return_val_if_fail (BH_IS_CLUSTER (self), NULL);

  f = &self->figures;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, self->index);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->name);

  json_builder_set_member_name (builder, "topics");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->topics->len; i++)
    {
      const BhTopic *topic = &g_array_index (self->topics, BhTopic, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "aspect");
      json_builder_add_string_value (builder, topic->aspect);
      json_builder_set_member_name (builder, "weight");
      json_builder_add_double_value (builder, topic->weight);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "top_events");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->top_events->len; i++)
    {
      const BhTopEvent *top = &g_array_index (self->top_events, BhTopEvent, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "event_id");
      json_builder_add_string_value (builder, top->event_id);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, top->title);
      json_builder_set_member_name (builder, "interest");
      json_builder_add_double_value (builder, top->interest);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "figures");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "members");
  json_builder_add_int_value (builder, f->members);
  json_builder_set_member_name (builder, "share");
  json_builder_add_double_value (builder, f->share);
  add_figure (builder, "avg_order_value", f->avg_order_value);
  add_figure (builder, "median_order_value", f->median_order_value);
  add_figure (builder, "avg_ticket_value", f->avg_ticket_value);
  json_builder_set_member_name (builder, "currency");
  if (f->currency != NULL)
    json_builder_add_string_value (builder, f->currency);
  else
    json_builder_add_null_value (builder);
  add_figure (builder, "median_days_in_advance", f->median_days_in_advance);
  add_figure (builder, "avg_yearly_visits", f->avg_yearly_visits);
  json_builder_set_member_name (builder, "preferred_weekday");
  json_builder_add_int_value (builder, f->preferred_weekday);
  json_builder_set_member_name (builder, "preferred_category");
  if (f->preferred_category != NULL)
    json_builder_add_string_value (builder, f->preferred_category);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
cluster_json_error (const char  *what,
                    GError     **error)
{
  g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
               "A taste cluster in JSON is not valid: %s", what);
  return FALSE;
}

static gboolean
get_number (JsonObject  *object,
            const char  *key,
            gboolean     required,
            double      *value,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);
  GType type;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_autofree char *what = g_strdup_printf ("“%s” is missing", key);

          return cluster_json_error (what, error);
        }

      *value = NAN;
      return TRUE;
    }

  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    {
      g_autofree char *what = g_strdup_printf ("“%s” must be a number", key);

      return cluster_json_error (what, error);
    }

  *value = json_node_get_double (node);

  return TRUE;
}

static const char *
get_string (JsonObject *object,
            const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static JsonArray *
get_array (JsonObject *object,
           const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  return JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
read_figures (BhCluster   *self,
              JsonObject  *object,
              GError     **error)
{
  BhClusterFigures f = { 0 };
  double members, share, weekday;

  if (!get_number (object, "members", TRUE, &members, error) ||
      !get_number (object, "share", TRUE, &share, error) ||
      !get_number (object, "avg_order_value", FALSE, &f.avg_order_value, error) ||
      !get_number (object, "median_order_value", FALSE, &f.median_order_value, error) ||
      !get_number (object, "avg_ticket_value", FALSE, &f.avg_ticket_value, error) ||
      !get_number (object, "median_days_in_advance", FALSE,
                   &f.median_days_in_advance, error) ||
      !get_number (object, "avg_yearly_visits", FALSE, &f.avg_yearly_visits, error) ||
      !get_number (object, "preferred_weekday", FALSE, &weekday, error))
    return FALSE;

  if (members < 0 || members > G_MAXUINT || !(share >= 0 && share <= 1))
    return cluster_json_error ("members or share out of range", error);

  f.members = (guint)members;
  f.share = share;
  f.preferred_weekday = (isnan (weekday) || weekday < 1 || weekday > 7) ? 0 : (int)weekday;
  f.preferred_category = (char *)get_string (object, "preferred_category");
  f.currency = (char *)get_string (object, "currency");
  bh_cluster_set_figures (self, &f);

  return TRUE;
}

/**
 * bh_cluster_new_from_json:
 * @node: a JSON object as bh_cluster_to_json() writes it
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the cluster, or %NULL with @error set
 */
BhCluster *
bh_cluster_new_from_json (JsonNode  *node,
                          GError   **error)
{
  g_autoptr(BhCluster) self = NULL;
  JsonObject *object, *figures;
  JsonArray *array;
  double index;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      cluster_json_error ("not an object", error);
      return NULL;
    }

  object = json_node_get_object (node);
  if (!get_number (object, "index", TRUE, &index, error))
    return NULL;
  if (index < 0 || index > G_MAXUINT || index != floor (index))
    {
      cluster_json_error ("“index” must be a whole number from 0", error);
      return NULL;
    }

  self = bh_cluster_new ((guint)index, get_string (object, "name"));

  if ((array = get_array (object, "topics")) != NULL)
    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        JsonNode *element = json_array_get_element (array, i);
        JsonObject *topic;
        double weight;

        if (!JSON_NODE_HOLDS_OBJECT (element))
          {
            cluster_json_error ("a topic is not an object", error);
            return NULL;
          }

        topic = json_node_get_object (element);
        if (get_string (topic, "aspect") == NULL)
          {
            cluster_json_error ("a topic has no aspect", error);
            return NULL;
          }
        if (!get_number (topic, "weight", TRUE, &weight, error))
          return NULL;

        bh_cluster_add_topic (self, get_string (topic, "aspect"), weight);
      }

  if ((array = get_array (object, "top_events")) != NULL)
    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        JsonNode *element = json_array_get_element (array, i);
        JsonObject *top;
        double interest;

        if (!JSON_NODE_HOLDS_OBJECT (element))
          {
            cluster_json_error ("a top event is not an object", error);
            return NULL;
          }

        top = json_node_get_object (element);
        if (get_string (top, "event_id") == NULL)
          {
            cluster_json_error ("a top event has no event_id", error);
            return NULL;
          }
        if (!get_number (top, "interest", TRUE, &interest, error))
          return NULL;

        bh_cluster_add_top_event (self, get_string (top, "event_id"),
                                  get_string (top, "title"), interest);
      }

  if (json_object_has_member (object, "figures"))
    {
      JsonNode *figures_node = json_object_get_member (object, "figures");

      if (!JSON_NODE_HOLDS_OBJECT (figures_node))
        {
          cluster_json_error ("“figures” is not an object", error);
          return NULL;
        }

      figures = json_node_get_object (figures_node);
      if (!read_figures (self, figures, error))
        return NULL;
    }

  return g_steal_pointer (&self);
}
