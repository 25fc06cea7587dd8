/* bh-event-item.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define BH_TYPE_EVENT_ITEM (bh_event_item_get_type ())

G_DECLARE_FINAL_TYPE (BhEventItem, bh_event_item, BH, EVENT_ITEM, GObject)

BhEventItem  *bh_event_item_new_from_json   (JsonObject   *object);
const char   *bh_event_item_get_id          (BhEventItem  *self);
const char   *bh_event_item_get_title       (BhEventItem  *self);
const char   *bh_event_item_get_date        (BhEventItem  *self);
const char   *bh_event_item_get_venue       (BhEventItem  *self);
const char   *bh_event_item_get_details     (BhEventItem  *self);
const char   *bh_event_item_get_aspects     (BhEventItem  *self);
gboolean      bh_event_item_matches         (BhEventItem        *self,
                                             const char * const *folded_words);
gboolean      bh_event_item_get_chosen      (BhEventItem  *self);
void          bh_event_item_set_chosen      (BhEventItem  *self,
                                             gboolean      chosen);

G_END_DECLS
