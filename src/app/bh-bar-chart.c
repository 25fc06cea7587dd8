/* bh-bar-chart.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-bar-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "bh-bar-chart.h"

/* A horizontal bar chart: one row per bar with its label on the left, the
 * bar, and the value printed after it. Small enough to read at a glance,
 * and described in words for screen readers. */

#define ROW_SPACING 6
#define BAR_MIN_HEIGHT 14
#define COLUMN_SPACING 8

/* Layouts are made on first use and kept: measuring and drawing run far
 * more often than the bars change. */
typedef struct
{
  char        *label;
  double       value;
  PangoLayout *label_layout;
  PangoLayout *value_layout;
} Bar;

struct _BhBarChart
{
  GtkWidget  parent_instance;

  char      *title;
  char      *unit;
  guint      digits;
  GArray    *bars;
  int        label_width;   /* -1 until measured */
  int        row_height;    /* -1 until measured */
};

G_DEFINE_FINAL_TYPE (BhBarChart, bh_bar_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
clear_bar (gpointer data)
{
  Bar *bar = data;

  g_clear_pointer (&bar->label, g_free);
  g_clear_object (&bar->label_layout);
  g_clear_object (&bar->value_layout);
}

static gboolean
set_string (char       **target,
            const char  *value)
{
  if (g_strcmp0 (*target, value) == 0)
    return FALSE;

  g_free (*target);
  *target = g_strdup (value);

  return TRUE;
}

static char *
format_value (BhBarChart *self,
              double      value)
{
  if (isnan (value))
    return g_strdup ("–");

  if (self->unit != NULL)
    return g_strdup_printf ("%.*f %s", (int) self->digits, value, self->unit);

  return g_strdup_printf ("%.*f", (int) self->digits, value);
}

char *
bh_bar_chart_dup_description (BhBarChart *self)
{
  g_autoptr(GString) text = NULL;

  g_return_val_if_fail (BH_IS_BAR_CHART (self), NULL);

  text = g_string_new (self->title != NULL ? self->title : "");

  for (guint i = 0; i < self->bars->len; i++)
    {
      const Bar *bar = &g_array_index (self->bars, Bar, i);
      g_autofree char *value = format_value (self, bar->value);

      g_string_append_printf (text, "%s%s: %s",
                              text->len > 0 ? (i == 0 ? ". " : ", ") : "",
                              bar->label, value);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_accessible (BhBarChart *self)
{
  g_autofree char *description = bh_bar_chart_dup_description (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->title != NULL ? self->title : _("Chart"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description,
                                  -1);
}

/* Asked for on hover: setting the tooltip at every change of a visible
 * chart would ask the display server where the pointer is each time. */
static gboolean
bh_bar_chart_query_tooltip (GtkWidget  *widget,
                            int         x,
                            int         y,
                            gboolean    keyboard,
                            GtkTooltip *tooltip)
{
  BhBarChart *self = BH_BAR_CHART (widget);
  g_autofree char *description = NULL;

  if (self->bars->len == 0)
    return FALSE;

  description = bh_bar_chart_dup_description (self);
  gtk_tooltip_set_text (tooltip, description);

  return TRUE;
}

static double
max_value (BhBarChart *self)
{
  double max = 0.0;

  for (guint i = 0; i < self->bars->len; i++)
    {
      const Bar *bar = &g_array_index (self->bars, Bar, i);

      if (!isnan (bar->value) && bar->value > max)
        max = bar->value;
    }

  return max;
}

static PangoLayout *
get_label_layout (BhBarChart *self,
                  Bar        *bar)
{
  if (bar->label_layout == NULL)
    {
      bar->label_layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), bar->label);
      pango_layout_set_ellipsize (bar->label_layout, PANGO_ELLIPSIZE_END);
    }

  return bar->label_layout;
}

static PangoLayout *
get_value_layout (BhBarChart *self,
                  Bar        *bar)
{
  if (bar->value_layout == NULL)
    {
      g_autofree char *text = format_value (self, bar->value);

      bar->value_layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
    }

  return bar->value_layout;
}

/* Forgets sizes and layouts after a change of the bars or their text. */
static void
invalidate (BhBarChart *self,
            gboolean    labels_too)
{
  for (guint i = 0; i < self->bars->len; i++)
    {
      Bar *bar = &g_array_index (self->bars, Bar, i);

      g_clear_object (&bar->value_layout);
      if (labels_too)
        g_clear_object (&bar->label_layout);
    }

  self->label_width = -1;
  self->row_height = -1;
  update_accessible (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static int
row_height (BhBarChart *self)
{
  if (self->row_height < 0)
    {
      g_autoptr(PangoLayout) layout = NULL;
      int height;

      layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), "Xg");
      pango_layout_get_pixel_size (layout, NULL, &height);
      self->row_height = MAX (height, BAR_MIN_HEIGHT);
    }

  return self->row_height;
}

static int
label_width (BhBarChart *self)
{
  if (self->label_width < 0)
    {
      self->label_width = 0;

      for (guint i = 0; i < self->bars->len; i++)
        {
          Bar *bar = &g_array_index (self->bars, Bar, i);
          PangoLayout *layout = get_label_layout (self, bar);
          int width;

          pango_layout_set_width (layout, -1);
          pango_layout_get_pixel_size (layout, &width, NULL);
          self->label_width = MAX (self->label_width, width);
        }
    }

  return self->label_width;
}

static void
bh_bar_chart_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  BhBarChart *self = BH_BAR_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = MAX (*minimum, MIN (label_width (self), 200) + 160);
    }
  else
    {
      guint n = self->bars->len;
      int height = n * row_height (self) + (n > 0 ? (n - 1) * ROW_SPACING : 0);

      *minimum = *natural = height;
    }
}

static void
lookup_color (GtkWidget  *widget,
              const char *name,
              GdkRGBA    *color)
{
  GtkStyleContext *context;

  context = gtk_widget_get_style_context (widget);
  if (!gtk_style_context_lookup_color (context, name, color))
    gdk_rgba_parse (color, "#3584e4");
}

static void
bh_bar_chart_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  BhBarChart *self = BH_BAR_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = row_height (self);
  int labels = MIN (label_width (self), width * 2 / 5);
  double max = max_value (self);
  GdkRGBA bar_color;
  GdkRGBA text_color;
  GtkStyleContext *context;

  if (self->bars->len == 0)
    return;

  lookup_color (widget, "accent_bg_color", &bar_color);
  context = gtk_widget_get_style_context (widget);
  gtk_style_context_get_color (context, &text_color);

  for (guint i = 0; i < self->bars->len; i++)
    {
      Bar *bar = &g_array_index (self->bars, Bar, i);
      PangoLayout *label = get_label_layout (self, bar);
      PangoLayout *value = get_value_layout (self, bar);
      int y = i * (height + ROW_SPACING);
      int value_width;
      int bar_space;
      double bar_width = 0.0;

      pango_layout_set_width (label, labels * PANGO_SCALE);
      pango_layout_get_pixel_size (value, &value_width, NULL);

      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, y));
      gtk_snapshot_append_layout (snapshot, label, &text_color);
      gtk_snapshot_restore (snapshot);

      bar_space = width - labels - 2 * COLUMN_SPACING - value_width;
      if (max > 0.0 && !isnan (bar->value) && bar_space > 0)
        bar_width = MAX (2.0, bar_space * bar->value / max);

      if (bar_width > 0.0)
        {
          GskRoundedRect rect;

          gsk_rounded_rect_init_from_rect (&rect,
                                           &GRAPHENE_RECT_INIT (labels + COLUMN_SPACING,
                                                                y + 2,
                                                                bar_width,
                                                                height - 4),
                                           3);
          gtk_snapshot_push_rounded_clip (snapshot, &rect);
          gtk_snapshot_append_color (snapshot, &bar_color, &rect.bounds);
          gtk_snapshot_pop (snapshot);
        }

      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (labels + 2 * COLUMN_SPACING + bar_width,
                                                    y));
      gtk_snapshot_append_layout (snapshot, value, &text_color);
      gtk_snapshot_restore (snapshot);
    }
}

static void
on_font_changed_cb (BhBarChart *self)
{
  invalidate (self, TRUE);
}

/* The layouts hold the font they were made with; a new font, or a new
 * display, needs new ones. */
static void
bh_bar_chart_root (GtkWidget *widget)
{
  BhBarChart *self = BH_BAR_CHART (widget);

  GTK_WIDGET_CLASS (bh_bar_chart_parent_class)->root (widget);

  g_signal_connect_object (gtk_widget_get_settings (widget), "notify::gtk-font-name",
                           G_CALLBACK (on_font_changed_cb), self, G_CONNECT_SWAPPED);
  invalidate (self, TRUE);
}

static void
bh_bar_chart_unroot (GtkWidget *widget)
{
  g_signal_handlers_disconnect_by_func (gtk_widget_get_settings (widget),
                                        on_font_changed_cb, widget);

  GTK_WIDGET_CLASS (bh_bar_chart_parent_class)->unroot (widget);
}

static void
bh_bar_chart_finalize (GObject *object)
{
  BhBarChart *self = (BhBarChart *)object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->unit, g_free);
  g_clear_pointer (&self->bars, g_array_unref);

  G_OBJECT_CLASS (bh_bar_chart_parent_class)->finalize (object);
}

static void
bh_bar_chart_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  BhBarChart *self = BH_BAR_CHART (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_bar_chart_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  BhBarChart *self = BH_BAR_CHART (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      bh_bar_chart_set_title (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_bar_chart_class_init (BhBarChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = bh_bar_chart_finalize;
  object_class->get_property = bh_bar_chart_get_property;
  object_class->set_property = bh_bar_chart_set_property;

  widget_class->root = bh_bar_chart_root;
  widget_class->unroot = bh_bar_chart_unroot;
  widget_class->measure = bh_bar_chart_measure;
  widget_class->snapshot = bh_bar_chart_snapshot;
  widget_class->query_tooltip = bh_bar_chart_query_tooltip;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "barchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bh_bar_chart_init (BhBarChart *self)
{
  self->bars = g_array_new (FALSE, TRUE, sizeof (Bar));
  g_array_set_clear_func (self->bars, clear_bar);
  self->label_width = -1;
  self->row_height = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
bh_bar_chart_new (const char *title)
{
  return g_object_new (BH_TYPE_BAR_CHART,
                       "title", title,
                       NULL);
}

const char *
bh_bar_chart_get_title (BhBarChart *self)
{
  g_return_val_if_fail (BH_IS_BAR_CHART (self), NULL);

  return self->title;
}

void
bh_bar_chart_set_title (BhBarChart *self,
                        const char *title)
{
  g_return_if_fail (BH_IS_BAR_CHART (self));

  if (set_string (&self->title, title))
    {
      update_accessible (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
}

/* The unit printed after each value, "days" or "%"; NULL for none. */
void
bh_bar_chart_set_unit (BhBarChart *self,
                       const char *unit)
{
  g_return_if_fail (BH_IS_BAR_CHART (self));

  if (set_string (&self->unit, unit))
    invalidate (self, FALSE);
}

void
bh_bar_chart_set_digits (BhBarChart *self,
                         guint       digits)
{
  g_return_if_fail (BH_IS_BAR_CHART (self));
  g_return_if_fail (digits <= 6);

  self->digits = digits;
  invalidate (self, FALSE);
}

void
bh_bar_chart_clear (BhBarChart *self)
{
  g_return_if_fail (BH_IS_BAR_CHART (self));

  g_array_set_size (self->bars, 0);
  invalidate (self, TRUE);
}

/* A value of NAN draws no bar and reads as "–". */
void
bh_bar_chart_add_bar (BhBarChart *self,
                      const char *label,
                      double      value)
{
  Bar bar;

  g_return_if_fail (BH_IS_BAR_CHART (self));
  g_return_if_fail (label != NULL);

  bar.label = g_strdup (label);
  bar.value = value;
  bar.label_layout = NULL;
  bar.value_layout = NULL;
  g_array_append_val (self->bars, bar);

  invalidate (self, FALSE);
}

guint
bh_bar_chart_get_n_bars (BhBarChart *self)
{
  g_return_val_if_fail (BH_IS_BAR_CHART (self), 0);

  return self->bars->len;
}
