/* bh-member-item.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include "bh-engine.h"

G_BEGIN_DECLS

#define BH_TYPE_MEMBER_ITEM (bh_member_item_get_type ())

G_DECLARE_FINAL_TYPE (BhMemberItem, bh_member_item, BH, MEMBER_ITEM, GObject)

BhMemberItem *bh_member_item_new             (const BhMember *member);
const char   *bh_member_item_get_customer_id (BhMemberItem   *self);
const char   *bh_member_item_get_name        (BhMemberItem   *self);
const char   *bh_member_item_get_email       (BhMemberItem   *self);
const char   *bh_member_item_get_post_code   (BhMemberItem   *self);
double        bh_member_item_get_score       (BhMemberItem   *self);
const char   *bh_member_item_get_why         (BhMemberItem   *self);
gboolean      bh_member_item_matches         (BhMemberItem   *self,
                                              const char     *folded);

G_END_DECLS
