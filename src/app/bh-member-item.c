/* bh-member-item.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-member-item"

#include "config.h"

#include <string.h>

#include "bh-member-item.h"

/* One member of a cluster, as a row of the cluster view's column view.
 * Items are made in a worker thread and never change. */

struct _BhMemberItem
{
  GObject  parent_instance;

  char    *customer_id;
  char    *name;
  char    *email;
  char    *post_code;
  char    *why;
  char    *search_text;
  double   score;
};

G_DEFINE_FINAL_TYPE (BhMemberItem, bh_member_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CUSTOMER_ID,
  PROP_NAME,
  PROP_EMAIL,
  PROP_POST_CODE,
  PROP_SCORE,
  PROP_SCORE_TEXT,
  PROP_WHY,
  PROP_SEARCH_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
bh_member_item_finalize (GObject *object)
{
  BhMemberItem *self = (BhMemberItem *)object;

  g_clear_pointer (&self->customer_id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->post_code, g_free);
  g_clear_pointer (&self->why, g_free);
  g_clear_pointer (&self->search_text, g_free);

  G_OBJECT_CLASS (bh_member_item_parent_class)->finalize (object);
}

static void
bh_member_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  BhMemberItem *self = BH_MEMBER_ITEM (object);

  switch (prop_id)
    {
    case PROP_CUSTOMER_ID:
      g_value_set_string (value, self->customer_id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_EMAIL:
      g_value_set_string (value, self->email);
      break;

    case PROP_POST_CODE:
      g_value_set_string (value, self->post_code);
      break;

    case PROP_SCORE:
      g_value_set_double (value, self->score);
      break;

    case PROP_SCORE_TEXT:
      g_value_take_string (value, g_strdup_printf ("%.2f", self->score));
      break;

    case PROP_WHY:
      g_value_set_string (value, self->why);
      break;

    case PROP_SEARCH_TEXT:
      g_value_set_string (value, self->search_text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_member_item_class_init (BhMemberItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bh_member_item_finalize;
  object_class->get_property = bh_member_item_get_property;

#define STRING(id, name) \
  properties[id] = g_param_spec_string (name, NULL, NULL, NULL, \
                                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS))
  STRING (PROP_CUSTOMER_ID, "customer-id");
  STRING (PROP_NAME, "name");
  STRING (PROP_EMAIL, "email");
  STRING (PROP_POST_CODE, "post-code");
  STRING (PROP_SCORE_TEXT, "score-text");
  STRING (PROP_WHY, "why");
  STRING (PROP_SEARCH_TEXT, "search-text");
#undef STRING

  properties[PROP_SCORE] =
    g_param_spec_double ("score", NULL, NULL, 0.0, 1.0, 0.0,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bh_member_item_init (BhMemberItem *self)
{
}

BhMemberItem *
bh_member_item_new (const BhMember *member)
{
  BhMemberItem *self;
  g_autofree char *all = NULL;

  g_return_val_if_fail (member != NULL, NULL);

  self = g_object_new (BH_TYPE_MEMBER_ITEM, NULL);
  self->customer_id = g_strdup (member->customer_id);
  self->name = g_strstrip (g_strdup_printf ("%s %s",
                                            member->first_name ? member->first_name : "",
                                            member->last_name ? member->last_name : ""));
  self->email = g_strdup (member->email);
  self->post_code = g_strdup (member->post_code);
  self->why = g_strdup (member->why);
  self->score = CLAMP (member->score, 0.0, 1.0);
  all = g_strjoin (" ",
                   self->customer_id ? self->customer_id : "",
                   self->name,
                   self->email ? self->email : "",
                   self->post_code ? self->post_code : "",
                   NULL);
  self->search_text = g_utf8_casefold (all, -1);

  return self;
}

const char *
bh_member_item_get_customer_id (BhMemberItem *self)
{
  g_return_val_if_fail (BH_IS_MEMBER_ITEM (self), NULL);

  return self->customer_id;
}

const char *
bh_member_item_get_name (BhMemberItem *self)
{
  g_return_val_if_fail (BH_IS_MEMBER_ITEM (self), NULL);

  return self->name;
}

const char *
bh_member_item_get_email (BhMemberItem *self)
{
  g_return_val_if_fail (BH_IS_MEMBER_ITEM (self), NULL);

  return self->email;
}

const char *
bh_member_item_get_post_code (BhMemberItem *self)
{
  g_return_val_if_fail (BH_IS_MEMBER_ITEM (self), NULL);

  return self->post_code;
}

double
bh_member_item_get_score (BhMemberItem *self)
{
  g_return_val_if_fail (BH_IS_MEMBER_ITEM (self), 0.0);

  return self->score;
}

const char *
bh_member_item_get_why (BhMemberItem *self)
{
  g_return_val_if_fail (BH_IS_MEMBER_ITEM (self), NULL);

  return self->why;
}

/* Whether the id, name, email or post code contain @folded, a case-folded
 * text. */
gboolean
bh_member_item_matches (BhMemberItem *self,
                        const char   *folded)
{
  g_return_val_if_fail (BH_IS_MEMBER_ITEM (self), FALSE);
  g_return_val_if_fail (folded != NULL, FALSE);

  return strstr (self->search_text, folded) != NULL;
}
