#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Backhaul authors
#
# test-e2e.py APP CLI OUTPUT_DIR
#
# Drives the real Backhaul through its accessibility tree, as a person
# would: on a demo venue it creates a package of three events in selective
# mode, waits for it to be done, opens it and one of its taste clusters,
# downloads the cluster's customer list through the save dialog, and checks
# that list against the engine's own export and against the opt-outs of the
# demo data. Screenshots of the main views go to OUTPUT_DIR.
#
# Run it through run-e2e.sh, which gives it its own D-Bus session and X
# server. It ends itself after TIME_LIMIT seconds and always stops the
# application and removes its temporary folder.

import csv
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback

import pyatspi

TIME_LIMIT = 170
DEMO_CUSTOMERS = 20000
DEMO_SEED = 7
SEARCH = 'Jazz'
APP_LOG = 'backhaul-e2e-app.log'
# Seconds for a page that slides in to settle: a click during the slide
# may land where a button is about to be.
SETTLE = 0.5


class Failure(Exception):
    pass


STARTED = time.monotonic()


def say(message):
    print('# %5.1f s  %s' % (time.monotonic() - STARTED, message), flush=True)


# ---------------------------------------------------------------------------
# The accessibility tree

def plain(name):
    """An accessible name without mnemonic underscores."""
    return (name or '').replace('_', '')


def name_matches(node, pattern):
    """Whether a node's name matches a regular expression.

    GTK 4.8 names a button with both an accessible label and a visible
    label "Accessible label Visible label" (and "Label Label" when the
    two are the same), so the accessible label may be followed by more."""
    name = plain(node.name).strip()
    return re.fullmatch('(?:%s)(?: .*)?' % pattern, name) is not None


def children(node):
    try:
        count = node.childCount
    except Exception:
        return []
    result = []
    for i in range(count):
        try:
            child = node.getChildAtIndex(i)
        except Exception:
            continue
        if child is not None:
            result.append(child)
    return result


def is_visible(node):
    try:
        return node.getState().contains(pyatspi.STATE_VISIBLE)
    except Exception:
        return False


def is_sensitive(node):
    try:
        state = node.getState()
    except Exception:
        return False
    return (state.contains(pyatspi.STATE_SENSITIVE) or
            state.contains(pyatspi.STATE_ENABLED))


def walk(root, max_depth=60):
    """Visible nodes under root, in the order a reader meets them (depth
    first), so that a search can stop at the first match without visiting
    every row of a long list."""
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        yield node
        if depth < max_depth:
            stack.extend(reversed([(c, depth + 1) for c in children(node)
                                   if is_visible(c)]))


def matching(root, role=None, name=None):
    """Visible nodes under root of this role (names separated by |) and
    with a name matching this expression, in reading order."""
    roles = role.split('|') if role else None
    for node in walk(root):
        try:
            if roles is not None and node.getRoleName() not in roles:
                continue
            if name is not None and not name_matches(node, name):
                continue
        except Exception:
            continue
        yield node


def find_all(root, role=None, name=None):
    return list(matching(root, role, name))


def dump(root, depth=0, out=None, max_depth=40):
    """The tree as text, for the log when a step fails."""
    lines = out if out is not None else []
    try:
        text = '%s%s %r' % ('  ' * depth, root.getRoleName(), root.name)
        if not is_sensitive(root):
            text += ' (insensitive)'
        lines.append(text)
    except Exception as error:
        lines.append('  ' * depth + '? ' + str(error))
        return lines
    if depth < max_depth:
        for child in children(root):
            if is_visible(child):
                dump(child, depth + 1, lines, max_depth)
    return lines


def toplevel(node):
    """The window a node is in."""
    while True:
        parent = node.parent
        if parent is None or parent.getRoleName() == 'application':
            return node
        node = parent


def window_origin(title):
    """Where the X window with this title sits on the screen."""
    info = subprocess.run(['xwininfo', '-name', title],
                          capture_output=True, text=True).stdout
    left = re.search(r'Absolute upper-left X:\s+(-?\d+)', info)
    top = re.search(r'Absolute upper-left Y:\s+(-?\d+)', info)
    if not left or not top:
        raise Failure('no X window called “%s”' % title)
    return int(left.group(1)), int(top.group(1))


class Ui:
    """The application under test, reached through AT-SPI."""

    def __init__(self, process, log_dir):
        self.process = process
        self.pid = process.pid
        self.log_dir = log_dir
        self.app = None

    def application(self):
        if self.app is None:
            desktop = pyatspi.Registry.getDesktop(0)
            for node in children(desktop):
                try:
                    if node.get_process_id() == self.pid:
                        self.app = node
                except Exception:
                    continue
        return self.app

    def wait(self, what, probe, timeout=20):
        """Polls probe() until it returns something true; fails after
        timeout seconds, leaving the tree in the log."""
        deadline = time.monotonic() + timeout
        last_error = None
        while True:
            try:
                result = probe()
            except Exception as error:
                # Nodes come and go while the window changes.
                result = None
                last_error = error
            if result:
                return result
            if self.process.poll() is not None:
                x = subprocess.run(['xdpyinfo'], capture_output=True)
                raise Failure('backhaul exited with status %d while the test '
                              'waited for %s (the X server %s); see %s' % (
                                  self.process.returncode, what,
                                  'answers' if x.returncode == 0
                                  else 'is gone',
                                  os.path.join(self.log_dir, APP_LOG)))
            if time.monotonic() > deadline:
                self.save_tree(what)
                raise Failure('waited %d s for %s%s' % (
                    timeout, what,
                    ' (last error: %s)' % last_error if last_error else ''))
            time.sleep(0.25)

    def find(self, role=None, name=None, root=None, timeout=20):
        """The first visible node of this role and name, waiting for it."""
        def probe():
            top = root or self.application()
            if top is None:
                return None
            return next(matching(top, role, name), None)
        return self.wait('%s “%s”' % (role or 'anything', name or '*'),
                          probe, timeout)

    def window(self, name, timeout=20):
        """The application's window with this title, waiting for it."""
        def probe():
            app = self.application()
            if app is None:
                return None
            return next((w for w in children(app)
                         if name_matches(w, name)), None)
        return self.wait('the window “%s”' % name, probe, timeout)

    def click(self, node):
        """Clicks a widget: through its accessible action where GTK offers
        one, otherwise with the mouse at its centre (GTK 4.8 gives check
        boxes and list rows no action)."""
        self.wait('“%s” to become sensitive' % plain(node.name),
                  lambda: is_sensitive(node))
        action = node.queryAction()
        names = [action.getName(i) for i in range(action.nActions)]
        for wanted in ('click', 'activate', 'press', 'toggle'):
            if wanted in names:
                action.doAction(names.index(wanted))
                return
        self.mouse(node, 'b1c')

    def mouse(self, node, event):
        """Sends a mouse event (b1c: click, b1d: double click) to the centre
        of a node. GTK 4.8 reports extents relative to the window, so the
        window's place on the screen is added."""
        x, y, width, height = node.queryComponent().getExtents(
            pyatspi.WINDOW_COORDS)
        left, top = window_origin(toplevel(node).name)
        pyatspi.Registry.generateMouseEvent(left + x + width // 2,
                                            top + y + height // 2, event)

    def press(self, role, name, root=None, timeout=20):
        node = self.find(role, name, root, timeout)
        self.click(node)
        return node

    def scroll_to(self, node, limit=40):
        """Turns the mouse wheel over a node's window until the node is in
        the upper half of the window."""
        window = toplevel(node)
        _, _, width, height = window.queryComponent().getExtents(
            pyatspi.WINDOW_COORDS)
        left, top = window_origin(window.name)
        for _ in range(limit):
            y = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)[1]
            if y < height // 2:
                return
            pyatspi.Registry.generateMouseEvent(left + width // 2,
                                                top + height // 2, 'b5c')
            time.sleep(0.1)
        raise Failure('could not scroll “%s” into view' % plain(node.name))

    def type_text(self, text):
        """Types into the focused widget through the X server, the way a
        keyboard would."""
        pyatspi.Registry.generateKeyboardEvent(0, text, pyatspi.KEY_STRING)

    def select_all(self):
        control, letter_a = 37, 38  # evdev keycodes, which Xvfb uses
        pyatspi.Registry.generateKeyboardEvent(control, None,
                                                pyatspi.KEY_PRESS)
        pyatspi.Registry.generateKeyboardEvent(letter_a, None,
                                                pyatspi.KEY_PRESSRELEASE)
        pyatspi.Registry.generateKeyboardEvent(control, None,
                                                pyatspi.KEY_RELEASE)

    def save_tree(self, what):
        app = self.application()
        if app is None:
            return
        path = os.path.join(self.log_dir, 'accessibility-tree.txt')
        with open(path, 'w') as out:
            out.write('While waiting for %s:\n' % what)
            out.write('\n'.join(dump(app)) + '\n')
        say('the accessibility tree is in ' + path)


# ---------------------------------------------------------------------------
# Screenshots

def x_window(title):
    """The id of the X window with this title, or None."""
    tree = subprocess.run(['xwininfo', '-root', '-tree'],
                           capture_output=True, text=True).stdout
    for line in tree.splitlines():
        match = re.match(r'\s*(0x[0-9a-f]+) "(.*)": .* (\d+)x(\d+)\+', line)
        if match and match.group(2) == title and int(match.group(3)) > 1:
            return match.group(1)
    return None


def screenshot(out_dir, name, title=None):
    """Saves the window with this title (or the whole screen) as NAME.png."""
    window = x_window(title) if title else None
    path = os.path.join(out_dir, name + '.png')
    time.sleep(0.6)  # let animations and transitions settle
    subprocess.run(['import', '-window', window or 'root', path],
                    check=True, capture_output=True)
    say('screenshot ' + path)


# ---------------------------------------------------------------------------
# The data the test checks against

def read_csv(path):
    """A CSV file's header and rows, whichever delimiter it uses."""
    with open(path, newline='', encoding='utf-8-sig') as f:
        text = f.read()
    first = text.split('\n', 1)[0]
    delimiter = max(';,\t', key=first.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise Failure('%s is empty' % path)
    return rows[0], rows[1:]


def opted_out_ids(customers_csv):
    """The customer ids the demo data marks as opted out of advertising,
    read the way the import format defines the column."""
    header, rows = read_csv(customers_csv)
    if 'customer_id' not in header or 'ad_opt_out' not in header:
        raise Failure('customers.csv has no customer_id or ad_opt_out '
                      'column: %s' % header)
    id_col = header.index('customer_id')
    opt_col = header.index('ad_opt_out')
    yes = {'1', 'true', 'yes', 'ja'}
    no = {'', '0', 'false', 'no', 'nein'}
    opted_out = set()
    for row in rows:
        value = row[opt_col].strip().lower()
        if value not in yes | no:
            raise Failure('customers.csv: unexpected ad_opt_out %r' % value)
        if value in yes:
            opted_out.add(row[id_col])
    if not opted_out:
        raise Failure('the demo data has nobody who opted out; the check '
                      'would prove nothing')
    return opted_out


def run(argv, **kwargs):
    say('$ ' + ' '.join(argv))
    done = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise Failure('%s failed (%d): %s' % (argv[0], done.returncode,
                                               done.stderr.strip()))
    return done.stdout


# ---------------------------------------------------------------------------
# The test

class Run:
    def __init__(self, app_path, cli_path, out_dir):
        self.app_path = app_path
        self.cli_path = cli_path
        self.out_dir = out_dir
        self.shots = os.path.join(out_dir, 'screenshots')
        self.tmp = tempfile.mkdtemp(prefix='backhaul-e2e-')
        self.store = os.path.join(self.tmp, 'store')
        self.demo = os.path.join(self.tmp, 'demo')
        self.processes = []
        self.app = None
        self.lock = threading.Lock()
        self.cleaned = False

    def env(self):
        env = dict(os.environ)
        home = os.path.join(self.tmp, 'home')
        for sub in ('', '.config/gtk-4.0', '.cache', '.local/share'):
            os.makedirs(os.path.join(home, sub), exist_ok=True)
        # The private session bus has no desktop portal, so the save dialog
        # is GTK's own file chooser. No settings daemon runs either; GNOME's
        # interface font keeps the screenshots looking like the application
        # on a GNOME desktop.
        with open(os.path.join(home, '.config/gtk-4.0/settings.ini'),
                  'w') as settings:
            settings.write('[Settings]\ngtk-font-name=Cantarell 11\n')
        env.update({
            'HOME': home,
            'XDG_CONFIG_HOME': os.path.join(home, '.config'),
            'XDG_CACHE_HOME': os.path.join(home, '.cache'),
            'XDG_DATA_HOME': os.path.join(home, '.local/share'),
            'LANGUAGE': 'en',
            'LC_ALL': 'C.UTF-8',
            'GDK_BACKEND': 'x11',
            'GTK_A11Y': 'atspi',
            'GSETTINGS_BACKEND': 'memory',
        })
        return env

    def cli(self, *args):
        return run([self.cli_path, '--data-dir', self.store] + list(args),
                    env=self.env())

    def start(self):
        os.makedirs(self.shots, exist_ok=True)

        run([self.cli_path, 'demo-data', '--out', self.demo,
              '--customers', str(DEMO_CUSTOMERS), '--seed', str(DEMO_SEED)])
        self.cli('import', self.demo)

        bus = subprocess.Popen(['/usr/libexec/at-spi-bus-launcher',
                                 '--launch-immediately'],
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        self.processes.append(bus)
        time.sleep(1)

        with open(os.path.join(self.out_dir, APP_LOG), 'w') as log:
            self.app = subprocess.Popen(
                [self.app_path, '--data-dir', self.store],
                env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        self.processes.insert(0, self.app)
        say('started backhaul, pid %d' % self.app.pid)

    def cleanup(self):
        with self.lock:
            if self.cleaned:
                return
            self.cleaned = True
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def watchdog(self):
        say('the test ran out of its %d s; stopping' % TIME_LIMIT)
        self.cleanup()
        print('not ok 1 - end-to-end: out of time', flush=True)
        os._exit(1)


# ---------------------------------------------------------------------------
# The steps

def file_complete(path):
    """Whether a file exists and has stopped growing."""
    if not os.path.exists(path):
        return False
    size = os.path.getsize(path)
    time.sleep(0.5)
    return size > 0 and os.path.getsize(path) == size


def find_cluster(r, cluster_name):
    """The engine's id of the package the test built, and the number of
    the cluster the window showed under this name."""
    packages = json.loads(r.cli('packages', '--json'))
    # Once in about fifteen runs the CLI was seen to list no package after
    # the window had built, shown and saved one. What is ruled out: the
    # window shows Done only after the build's transaction committed, and
    # another process reads a commit from the write-ahead log without a
    # checkpoint (test-local-backend's /backend/local/build/done-means-
    # stored runs the CLI at that moment); both use the same store folder.
    # What was fixed since: the app's worker threads used the store's
    # connection, which has no mutex of its own, outside the engine's lock
    # (statements finalized after it was let go, settings read without
    # it). Whether that was the cause is not proven, so the test still
    # asks again for a few seconds, and on a miss logs what the store
    # folder holds.
    for attempt in range(1, 7):
        if packages:
            break
        print('# backhaul-cli listed no package yet (try %d)' % attempt, flush=True)
        if attempt == 1:
            for name in sorted(os.listdir(r.store)):
                path = os.path.join(r.store, name)
                print('#   %s: %d bytes' % (name, os.path.getsize(path)), flush=True)
        time.sleep(0.5)
        packages = json.loads(r.cli('packages', '--json'))
    if len(packages) != 1:
        raise Failure('backhaul-cli lists %d packages, but the test built '
                      'one in the window:\n%s' % (len(packages),
                                                   r.cli('packages')))
    package = packages[0]
    if package['status'] != 'done':
        raise Failure('the engine says the package is %s' % package['status'])
    if package['definition']['mode'] != 'selective':
        raise Failure('the package was built in %s mode'
                      % package['definition']['mode'])
    if len(package['definition']['events']) != 3:
        raise Failure('the package has %d events'
                      % len(package['definition']['events']))
    numbers = [c['index'] for c in package['clusters']
               if c['name'] == cluster_name]
    if len(numbers) != 1:
        raise Failure('%d clusters are called “%s”'
                      % (len(numbers), cluster_name))
    return package['id'], numbers[0]


def check_list(r, downloaded, cluster_name):
    """The downloaded list must hold exactly the rows the engine exports for
    that cluster, and nobody the demo data marks as opted out."""
    package_id, cluster_number = find_cluster(r, cluster_name)
    engine_csv = os.path.join(r.tmp, 'engine.csv')
    r.cli('export', str(package_id), '--cluster', str(cluster_number),
          '-o', engine_csv)

    header, rows = read_csv(downloaded)
    engine_header, engine_rows = read_csv(engine_csv)
    say('the app saved %d rows, the engine exports %d'
        % (len(rows), len(engine_rows)))
    if not engine_rows:
        raise Failure('the engine exports an empty cluster; the comparison '
                      'would prove nothing')
    if header != engine_header:
        raise Failure('the columns differ: %s against %s'
                      % (header, engine_header))
    if sorted(rows) != sorted(engine_rows):
        only_app = len(set(map(tuple, rows)) - set(map(tuple, engine_rows)))
        only_engine = len(set(map(tuple, engine_rows)) -
                          set(map(tuple, rows)))
        raise Failure('the rows differ: %d only in the download, %d only in '
                      'the engine\'s export' % (only_app, only_engine))

    id_col = header.index('customer_id')
    opted_out = opted_out_ids(os.path.join(r.demo, 'customers.csv'))
    leaked = [row[id_col] for row in rows if row[id_col] in opted_out]
    if leaked:
        raise Failure('%d opted-out customers are in the list' % len(leaked))
    say('no opted-out customer in the list (%d opted out in the demo data)'
        % len(opted_out))


def nearest(node, role, name):
    """The node of this role and name that is closest to node: in the
    smallest part of the window that holds both. Each part is searched
    once, leaving out the part already searched."""
    found = next(matching(node, role, name), None)
    while found is None:
        parent = node.parent
        if parent is None:
            raise Failure('no %s “%s” anywhere' % (role, name))
        skip = node.getIndexInParent()
        for i, sibling in enumerate(children(parent)):
            if i != skip and is_visible(sibling):
                found = next(matching(sibling, role, name), None)
                if found is not None:
                    break
        node = parent
    return found


def event_text(check):
    """The text of an event row in the assistant: its title, date and
    aspects, which the row shows next to its check box."""
    row = check.parent
    return ' '.join(plain(label.name) for label in find_all(row, 'label'))


def search_results(events):
    """A probe that gives the first three check boxes of the event list
    once the list has settled on events that match the search."""
    previous = []

    def probe():
        checks = list(itertools.islice(
            matching(events, 'check box', 'Choose .*'), 3))
        names = [c.name for c in checks]
        settled = names == previous and len(names) == 3
        previous[:] = names
        if settled and all(SEARCH in event_text(c) for c in checks):
            return checks
        time.sleep(0.3)
        return None

    return probe


def next_step(ui, assistant, step):
    """Goes on to the assistant's next step, and waits until it shows."""
    ui.press('push button', 'Next', root=assistant)
    ui.find('label', 'Step %d of 4: .*' % step, root=assistant)
    time.sleep(SETTLE)


def scenario(r, ui):
    """What a marketer does, step by step."""
    main = ui.window('Backhaul', timeout=40)
    say('the main window is up')

    # Create a package: three events, selective mode.
    ui.press('push button', 'Create [Nn]ew [Pp]ackage', root=main)
    assistant = ui.window('New Package')
    events = ui.find('list', 'Events', root=assistant)
    ui.find('check box', 'Choose .*', root=events)
    search = ui.find('entry', 'Search events', root=assistant)
    ui.mouse(search, 'b1c')
    ui.type_text(SEARCH)
    checks = ui.wait('the events with “%s”' % SEARCH,
                     search_results(events))
    chosen = []
    for check in checks[:3]:
        ui.click(check)
        ui.wait('“%s” to be chosen' % plain(check.name),
                lambda: check.getState().contains(pyatspi.STATE_CHECKED))
        chosen.append(plain(check.name))
    ui.find('label', '3 events chosen.*', root=assistant)
    say('chose ' + '; '.join(chosen))
    screenshot(r.shots, 'assistant', 'New Package')

    next_step(ui, assistant, 2)
    selective = ui.find('radio button|check box', 'Selective', root=assistant)
    ui.click(selective)
    ui.wait('selective mode', lambda: selective.getState().contains(
        pyatspi.STATE_CHECKED))
    screenshot(r.shots, 'assistant-mode', 'New Package')
    next_step(ui, assistant, 3)
    next_step(ui, assistant, 4)
    ui.press('push button', 'Build Package', root=assistant)
    say('the build runs')

    # Wait for it to be done in the list.
    ui.find('label', 'Done', root=main, timeout=90)
    say('the package is done')
    screenshot(r.shots, 'package-list', 'Backhaul')

    # Open the package from its row.
    done = ui.find('label', 'Done', root=main)
    ui.mouse(done, 'b1d')
    ui.find('push button', 'Download customer list', root=main)
    cluster_buttons = ui.wait('the taste clusters', lambda: find_all(
        main, 'push button', 'Show customers of .*'))
    say('opened the package; %d taste clusters' % len(cluster_buttons))
    ui.wait('the toast to go', lambda: next(
        matching(main, 'push button', 'Open'), None) is None, 30)
    screenshot(r.shots, 'package', 'Backhaul')
    ui.scroll_to(ui.find('label', 'Taste Clusters', root=main))
    screenshot(r.shots, 'package-clusters', 'Backhaul')

    # Open its first cluster.
    open_button = cluster_buttons[0]
    cluster_name = re.sub('^Show customers of ', '', plain(open_button.name))
    ui.click(open_button)
    customers = ui.find('table|tree table', 'Customers', root=main)
    say('opened the cluster “%s”' % cluster_name)
    screenshot(r.shots, 'cluster', 'Backhaul')

    # Download its list through the save dialog, typing the file name.
    target = os.path.join(r.tmp, 'downloaded.csv')
    # The package view stays in the window behind the cluster view; the
    # button wanted is the one next to the cluster's customers.
    ui.click(nearest(customers, 'push button', 'Download customer list'))
    dialog = ui.window('Download Customer List')
    ui.find('text', 'Name:', root=dialog)
    say('the save dialog is open')
    # GTK 4.8 does not report the entry's text, so the suggested name
    # cannot be read here; select it all and type over it.
    time.sleep(0.5)
    ui.select_all()
    ui.type_text(target)
    screenshot(r.shots, 'save-dialog', 'Download Customer List')
    ui.press('push button', 'Save', root=dialog)
    ui.wait('the list to be saved', lambda: file_complete(target), 60)
    say('saved the list')

    check_list(r, target, cluster_name)


def main():
    if len(sys.argv) != 4:
        print('usage: test-e2e.py APP CLI OUTPUT_DIR', file=sys.stderr)
        return 2

    run_ = Run(*sys.argv[1:])
    timer = threading.Timer(TIME_LIMIT, run_.watchdog)
    timer.daemon = True
    timer.start()
    print('1..1', flush=True)
    try:
        run_.start()
        ui = Ui(run_.app, run_.out_dir)
        scenario(run_, ui)
        print('ok 1 - end-to-end', flush=True)
        return 0
    except Exception as error:
        traceback.print_exc()
        print('not ok 1 - end-to-end: %s' % error, flush=True)
        return 1
    finally:
        timer.cancel()
        run_.cleanup()


if __name__ == '__main__':
    sys.exit(main())
