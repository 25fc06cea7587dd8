/* bh-bar-chart.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BH_TYPE_BAR_CHART (bh_bar_chart_get_type ())

G_DECLARE_FINAL_TYPE (BhBarChart, bh_bar_chart, BH, BAR_CHART, GtkWidget)

GtkWidget  *bh_bar_chart_new          (const char          *title);
const char *bh_bar_chart_get_title    (BhBarChart          *self);
void        bh_bar_chart_set_title    (BhBarChart          *self,
                                       const char          *title);
void        bh_bar_chart_set_unit     (BhBarChart          *self,
                                       const char          *unit);
void        bh_bar_chart_set_digits   (BhBarChart          *self,
                                       guint                digits);
void        bh_bar_chart_clear        (BhBarChart          *self);
void        bh_bar_chart_add_bar      (BhBarChart          *self,
                                       const char          *label,
                                       double               value);
guint       bh_bar_chart_get_n_bars   (BhBarChart          *self);
char       *bh_bar_chart_dup_description (BhBarChart       *self);

G_END_DECLS
