/* bh-event-item.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-event-item"

#include "config.h"

#include <string.h>

#include "bh-event-item.h"

/* One event offered by the package assistant, made from the backend's JSON
 * form of an event, and whether the user chose it. */

struct _BhEventItem
{
  GObject   parent_instance;

  char     *id;
  char     *title;
  char     *date;
  char     *venue;
  char     *details;
  char     *aspects;
  char     *folded;
  gboolean  chosen;
};

G_DEFINE_FINAL_TYPE (BhEventItem, bh_event_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_DETAILS,
  PROP_ASPECTS,
  PROP_CHOSEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
bh_event_item_finalize (GObject *object)
{
  BhEventItem *self = (BhEventItem *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->date, g_free);
  g_clear_pointer (&self->venue, g_free);
  g_clear_pointer (&self->details, g_free);
  g_clear_pointer (&self->aspects, g_free);
  g_clear_pointer (&self->folded, g_free);

  G_OBJECT_CLASS (bh_event_item_parent_class)->finalize (object);
}

static void
bh_event_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  BhEventItem *self = BH_EVENT_ITEM (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_DETAILS:
      g_value_set_string (value, self->details);
      break;

    case PROP_ASPECTS:
      g_value_set_string (value, self->aspects);
      break;

    case PROP_CHOSEN:
      g_value_set_boolean (value, self->chosen);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_event_item_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  BhEventItem *self = BH_EVENT_ITEM (object);

  switch (prop_id)
    {
    case PROP_CHOSEN:
      bh_event_item_set_chosen (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_event_item_class_init (BhEventItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bh_event_item_finalize;
  object_class->get_property = bh_event_item_get_property;
  object_class->set_property = bh_event_item_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_DETAILS] =
    g_param_spec_string ("details", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_ASPECTS] =
    g_param_spec_string ("aspects", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_CHOSEN] =
    g_param_spec_boolean ("chosen", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bh_event_item_init (BhEventItem *self)
{
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* Aspects come as "kind:value" strings or as {kind, value} objects. */
static char *
join_aspects (JsonObject *object)
{
  g_autoptr(GString) text = g_string_new (NULL);
  JsonArray *aspects;

  if (!json_object_has_member (object, "aspects"))
    return g_strdup ("");

  aspects = json_object_get_array_member (object, "aspects");
  if (aspects == NULL)
    return g_strdup ("");

  for (guint i = 0; i < json_array_get_length (aspects); i++)
    {
      JsonNode *node = json_array_get_element (aspects, i);

      if (text->len > 0)
        g_string_append (text, " · ");

      if (JSON_NODE_HOLDS_VALUE (node))
        {
          g_string_append (text, json_node_get_string (node));
        }
      else if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *aspect = json_node_get_object (node);

          g_string_append_printf (text, "%s:%s",
                                  member_string (aspect, "kind"),
                                  member_string (aspect, "value"));
        }
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

BhEventItem *
bh_event_item_new_from_json (JsonObject *object)
{
  g_autoptr(BhEventItem) self = NULL;
  g_autoptr(GString) details = g_string_new (NULL);
  const char *parts[] = { "time", "venue", "hall", "city" };
  g_autofree char *all = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  self = g_object_new (BH_TYPE_EVENT_ITEM, NULL);
  self->id = g_strdup (member_string (object, "id"));
  self->title = g_strdup (member_string (object, "title"));
  self->date = g_strdup (member_string (object, "date"));
  self->venue = g_strdup (member_string (object, "venue"));
  self->aspects = join_aspects (object);

  if (self->id == NULL || self->title == NULL || self->date == NULL)
    return NULL;

  g_string_append (details, self->date);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      const char *part = member_string (object, parts[i]);

      if (part != NULL && *part != '\0')
        g_string_append_printf (details, " · %s", part);
    }
  self->details = g_string_free (g_steal_pointer (&details), FALSE);

  all = g_strjoin (" ", self->title, self->details, self->aspects, self->id, NULL);
  self->folded = g_utf8_casefold (all, -1);

  return g_steal_pointer (&self);
}

const char *
bh_event_item_get_id (BhEventItem *self)
{
  g_return_val_if_fail (BH_IS_EVENT_ITEM (self), NULL);

  return self->id;
}

const char *
bh_event_item_get_title (BhEventItem *self)
{
  g_return_val_if_fail (BH_IS_EVENT_ITEM (self), NULL);

  return self->title;
}

const char *
bh_event_item_get_date (BhEventItem *self)
{
  g_return_val_if_fail (BH_IS_EVENT_ITEM (self), NULL);

  return self->date;
}

const char *
bh_event_item_get_venue (BhEventItem *self)
{
  g_return_val_if_fail (BH_IS_EVENT_ITEM (self), NULL);

  return self->venue;
}

const char *
bh_event_item_get_details (BhEventItem *self)
{
  g_return_val_if_fail (BH_IS_EVENT_ITEM (self), NULL);

  return self->details;
}

const char *
bh_event_item_get_aspects (BhEventItem *self)
{
  g_return_val_if_fail (BH_IS_EVENT_ITEM (self), NULL);

  return self->aspects;
}

/* @folded_words are case-folded; every one must occur. */
gboolean
bh_event_item_matches (BhEventItem        *self,
                       const char * const *folded_words)
{
  g_return_val_if_fail (BH_IS_EVENT_ITEM (self), FALSE);

  for (guint i = 0; folded_words != NULL && folded_words[i] != NULL; i++)
    {
      if (strstr (self->folded, folded_words[i]) == NULL)
        return FALSE;
    }

  return TRUE;
}

gboolean
bh_event_item_get_chosen (BhEventItem *self)
{
  g_return_val_if_fail (BH_IS_EVENT_ITEM (self), FALSE);

  return self->chosen;
}

void
bh_event_item_set_chosen (BhEventItem *self,
                          gboolean     chosen)
{
  g_return_if_fail (BH_IS_EVENT_ITEM (self));

  chosen = !!chosen;
  if (self->chosen == chosen)
    return;

  self->chosen = chosen;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHOSEN]);
}
