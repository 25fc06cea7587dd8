/* bh-import-problem.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-import-problem"

#include "config.h"

#include "bh-import-problem.h"

struct _BhImportProblem
{
  GObject  parent_instance;

  char    *path;
  char    *file;
  guint    line;
  guint    column;
  char    *reason;
};

G_DEFINE_FINAL_TYPE (BhImportProblem, bh_import_problem, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_FILE,
  PROP_LINE,
  PROP_COLUMN,
  PROP_REASON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
bh_import_problem_finalize (GObject *object)
{
  BhImportProblem *self = (BhImportProblem *)object;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->file, g_free);
  g_clear_pointer (&self->reason, g_free);

  G_OBJECT_CLASS (bh_import_problem_parent_class)->finalize (object);
}

static void
bh_import_problem_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  BhImportProblem *self = BH_IMPORT_PROBLEM (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_FILE:
      g_value_set_string (value, self->file);
      break;

    case PROP_LINE:
      g_value_take_string (value, g_strdup_printf ("%u", self->line));
      break;

    case PROP_COLUMN:
      g_value_take_string (value,
                           self->column > 0 ? g_strdup_printf ("%u", self->column) : NULL);
      break;

    case PROP_REASON:
      g_value_set_string (value, self->reason);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_import_problem_class_init (BhImportProblemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bh_import_problem_finalize;
  object_class->get_property = bh_import_problem_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_FILE] =
    g_param_spec_string ("file", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_LINE] =
    g_param_spec_string ("line", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_COLUMN] =
    g_param_spec_string ("column", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_REASON] =
    g_param_spec_string ("reason", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bh_import_problem_init (BhImportProblem *self)
{
}

const char *
bh_import_problem_get_path (BhImportProblem *self)
{
  g_return_val_if_fail (BH_IS_IMPORT_PROBLEM (self), NULL);

  return self->path;
}

const char *
bh_import_problem_get_file (BhImportProblem *self)
{
  g_return_val_if_fail (BH_IS_IMPORT_PROBLEM (self), NULL);

  return self->file;
}

guint
bh_import_problem_get_line (BhImportProblem *self)
{
  g_return_val_if_fail (BH_IS_IMPORT_PROBLEM (self), 0);

  return self->line;
}

guint
bh_import_problem_get_column (BhImportProblem *self)
{
  g_return_val_if_fail (BH_IS_IMPORT_PROBLEM (self), 0);

  return self->column;
}

const char *
bh_import_problem_get_reason (BhImportProblem *self)
{
  g_return_val_if_fail (BH_IS_IMPORT_PROBLEM (self), NULL);

  return self->reason;
}

GListModel *
bh_import_problem_parse (const char  *message,
                         char       **remarks)
{
  g_autoptr(GRegex) place = NULL;
  g_autoptr(GString) rest = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  GListStore *problems;

  g_return_val_if_fail (message != NULL, NULL);

  /* The file name is taken up to the first ":LINE", so that a reason
   * that holds a time ("value “19:30”") stays whole. Lines before the
   * first problem sum them up, which the dialog says in its own words. */
  place = g_regex_new ("^(.+?):([0-9]+)(?::([0-9]+))?: (.*)$", G_REGEX_OPTIMIZE, 0, NULL);
  g_assert (place != NULL);

  problems = g_list_store_new (BH_TYPE_IMPORT_PROBLEM);
  lines = g_strsplit (message, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GMatchInfo) match = NULL;

      if (g_regex_match (place, lines[i], 0, &match))
        {
          BhImportProblem *problem = g_object_new (BH_TYPE_IMPORT_PROBLEM, NULL);
          g_autofree char *line = g_match_info_fetch (match, 2);
          g_autofree char *column = g_match_info_fetch (match, 3);

          problem->path = g_match_info_fetch (match, 1);
          problem->file = g_path_get_basename (problem->path);
          problem->line = (guint)g_ascii_strtoull (line, NULL, 10);
          problem->column = (guint)g_ascii_strtoull (column, NULL, 10);
          problem->reason = g_match_info_fetch (match, 4);
          g_list_store_append (problems, problem);
          g_object_unref (problem);
        }
      else if (lines[i][0] != '\0' && g_list_model_get_n_items (G_LIST_MODEL (problems)) > 0)
        {
          if (rest->len > 0)
            g_string_append_c (rest, '\n');
          g_string_append (rest, lines[i]);
        }
    }

  if (remarks != NULL)
    *remarks = rest->len > 0 ? g_strdup (rest->str) : NULL;

  return G_LIST_MODEL (problems);
}
