#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Backhaul authors
#
# check-translation.sh SOURCE_ROOT LANG
#
# Fails if a file in src/app, src/backend, src/engine or src/cli marks
# strings for translation but is missing from po/POTFILES.in. Then
# extracts the messages from the files in po/POTFILES.in as they are
# now, merges po/LANG.po with them, and fails if a message is
# untranslated or fuzzy, or if the result does not compile. Nothing in
# the source tree changes. Exits 77 (skipped) when the gettext tools are
# missing.
set -eu

top=$1
lang=$2

for tool in xgettext msgmerge msgfmt; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$tool is missing; skipping"
    exit 77
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

grep -v '^#' "$top/po/POTFILES.in" | grep -v '^[[:space:]]*$' > "$tmp/files"

(cd "$top" && grep -l -E '(^|[^A-Za-z0-9_])(N?C?_|g_dngettext|ngettext) ?\(|translatable="yes"' \
   src/app/*.c src/app/*.ui src/app/gtk/*.ui src/backend/*.c src/engine/*.c \
   src/cli/*.c 2>/dev/null) |
  grep -v -e placeholder | sort > "$tmp/marked" || true
missing=$(sort "$tmp/files" | comm -23 "$tmp/marked" -)
if [ -n "$missing" ]; then
  echo "po/POTFILES.in misses files with translatable strings:"
  echo "$missing"
  exit 1
fi

# The keywords of meson's "glib" preset.
xgettext --directory="$top" --files-from="$tmp/files" \
  --output="$tmp/backhaul.pot" --package-name=backhaul \
  --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 \
  --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format \
  --flag=NC_:2:pass-c-format --flag=g_dngettext:2:pass-c-format \
  --flag=g_strdup_printf:1:c-format --flag=g_string_printf:2:c-format \
  --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format

msgmerge --quiet --no-fuzzy-matching --output-file="$tmp/$lang.po" \
  "$top/po/$lang.po" "$tmp/backhaul.pot"

if ! msgfmt --check --statistics --output-file="$tmp/$lang.mo" \
    "$tmp/$lang.po" 2> "$tmp/statistics"; then
  cat "$tmp/statistics"
  echo "po/$lang.po does not compile"
  exit 1
fi
cat "$tmp/statistics"

if grep -q -e fuzzy -e untranslated "$tmp/statistics"; then
  echo "po/$lang.po is incomplete; the messages to translate:"
  msgattrib --untranslated "$tmp/$lang.po" | grep '^msgid' || true
  msgattrib --only-fuzzy "$tmp/$lang.po" | grep '^msgid' || true
  exit 1
fi
