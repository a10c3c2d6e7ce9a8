#!/usr/bin/env python3
"""check-house.py - keep berth's layers as docs/ARCHITECTURE.md draws them.

Fails (exit 1, one line per finding) on:
  1. an #include across a forbidden layer in src/ (a lower floor including a
     higher one, one engine including another, the CLI including anything of
     the library but the public headers and util);
  2. a call across a forbidden layer: read from the objects of the internal
     archive (nm), so a name used without its header is caught too;
  3. a loop between files of the library (calls, from the objects);
  4. two files of src/ with the same name;
  5. a global symbol without the berth_ prefix in the installed libberth.a
     or libberth.so.

usage: check-house.py --src DIR [--internal ARCHIVE] [--static libberth.a]
                      [--shared libberth.so]
Without the build products only checks 1 and 4 run.
"""
import argparse
import collections
import os
import re
import subprocess
import sys

# Floors, low to high. A file may use what is on a lower floor, and files of
# its own folder; transport and kit share a floor but do not use each other.
FLOORS = {
    'util': 0,
    'model': 1,
    'parse': 2,
    'kit': 3,
    'transport': 3,
    'registry': 4,
    'engines': 5,
    'api': 6,
    'cli': 7,
    'logger': 7,
}
SEAM = {'src/lib/internal.h': 'model', 'src/lib/engine.h': 'kit',
        'src/lib/libberth.sym': None}


def room(path):
    """(floor name, engine folder or None) of a path under src/."""
    if path in SEAM:
        return SEAM[path], None
    parts = path.split('/')
    if parts[1] in ('util', 'cli', 'logger'):
        return parts[1], None
    if parts[1] == 'lib' and len(parts) > 3:
        if parts[2] == 'engines':
            return 'engines', parts[3] if len(parts) > 4 else None
        return parts[2], None
    return None, None


def allowed(src, dst):
    """Why src may not use dst, or None when it may."""
    (sf, se), (df, de) = room(src), room(dst)
    if sf is None or df is None:
        return None
    if sf in ('cli', 'logger'):
        if df in ('util', 'cli', 'logger') or dst.startswith('include/'):
            return None
        # berth-logger shares containerd's pure log record format
        if sf == 'logger' and dst.startswith('src/lib/engines/containerd/') and 'logfmt' in dst:
            return None
        return 'the CLI uses only the public headers and util'
    if se and de and se != de:
        return 'one engine uses another'
    if sf == 'engines' and se is None and de is not None:
        return None  # the list of backends names each descriptor
    if sf == 'api' and df == 'engines' and de is not None:
        return 'an entry point reaches into an engine (use engine.h and the backend list)'
    if sf == df:
        return None
    if {sf, df} == {'kit', 'transport'}:
        return 'kit and transport do not use each other'
    if FLOORS[df] > FLOORS[sf]:
        return 'a lower floor (%s) uses a higher one (%s)' % (sf, df)
    return None


def tracked_sources(src_root):
    out = []
    for base, _dirs, files in os.walk(os.path.join(src_root, 'src')):
        for f in files:
            if f.endswith(('.c', '.h')):
                out.append(os.path.relpath(os.path.join(base, f), src_root))
    return sorted(out)


def check_includes(src_root, files, problems):
    pat = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
    for f in files:
        text = open(os.path.join(src_root, f), encoding='utf-8', errors='replace').read()
        for inc in pat.findall(text):
            here = os.path.normpath(os.path.join(os.path.dirname(f), inc))
            cands = [here, os.path.normpath(os.path.join('src', inc)), os.path.normpath(os.path.join('include', inc))]
            target = next((c for c in cands if os.path.exists(os.path.join(src_root, c))), None)
            if target is None:
                continue  # generated (protobuf) or a system header in quotes
            why = allowed(f, target)
            if why:
                problems.append('include: %s -> %s: %s' % (f, target, why))


def check_names(files, problems):
    seen = collections.defaultdict(list)
    for f in files:
        if f.endswith('.c'):
            seen[os.path.basename(f)].append(f)
    for name, where in sorted(seen.items()):
        if len(where) > 1:
            problems.append('name: %s is used %d times: %s' % (name, len(where), ', '.join(where)))


def nm(args):
    return subprocess.run(['nm'] + args, capture_output=True, text=True, check=True).stdout


def check_calls(src_root, files, archive, problems):
    by_obj = {f[len('src/'):].replace('/', '_') + '.o': f for f in files if f.endswith('.c')}
    defined, used = {}, collections.defaultdict(set)
    member = None
    for line in nm(['-A', archive]).splitlines():
        m = re.match(r'^(?:[^:]*):([^:]+):\s*(?:[0-9a-f]+\s+)?([A-Za-z])\s+(\S+)$', line)
        if not m:
            continue
        obj, kind, sym = m.groups()
        # meson names an object after its source path: lib_api_client.c.o
        src = by_obj.get(os.path.basename(obj))
        if src is None:
            continue  # generated protobuf code
        member = src
        if kind == 'U':
            used[member].add(sym)
        elif kind in 'TDBRVWCG' and sym not in defined:
            defined[sym] = member
    edges = collections.defaultdict(set)
    for src, syms in used.items():
        for s in syms:
            dst = defined.get(s)
            if dst and dst != src:
                edges[(src, dst)].add(s)
    for (src, dst), syms in sorted(edges.items()):
        why = allowed(src, dst)
        if why:
            problems.append('call: %s -> %s (%s): %s' % (src, dst, ', '.join(sorted(syms)[:4]), why))
    # loops between files
    graph = collections.defaultdict(set)
    for (src, dst) in edges:
        graph[src].add(dst)
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            strong(v)
    for comp in sccs:
        problems.append('loop: %s call each other' % ', '.join(comp))
    return edges


def check_exports(path, dynamic, problems):
    args = ['-D', '--defined-only', path] if dynamic else ['-g', '--defined-only', path]
    for line in nm(args).splitlines():
        p = line.split()
        if len(p) != 3 or p[1] in 'Aa':
            continue
        sym = p[2].split('@')[0]
        if not sym.startswith('berth_'):
            problems.append('export: %s defines the global %s without the berth_ prefix' % (os.path.basename(path), sym))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--src', required=True)
    ap.add_argument('--internal')
    ap.add_argument('--static')
    ap.add_argument('--shared')
    ap.add_argument('--edges', action='store_true', help='print the file-level call graph')
    a = ap.parse_args()
    files = tracked_sources(a.src)
    problems = []
    check_includes(a.src, files, problems)
    check_names(files, problems)
    if a.internal:
        edges = check_calls(a.src, files, a.internal, problems)
        if a.edges:
            for (s, d), syms in sorted(edges.items()):
                print('%s -> %s: %s' % (s, d, ' '.join(sorted(syms))))
    if a.static:
        check_exports(a.static, False, problems)
    if a.shared:
        check_exports(a.shared, True, problems)
    for p in problems:
        print(p)
    checks = 2 + (2 if a.internal else 0) + bool(a.static) + bool(a.shared)
    print('house: %d files, %d checks, %d problems' % (len(files), checks, len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
