#!/usr/bin/env python3
"""Check the seeds/ digest of the planning documents (standard library only).

Usage: python3 tools/derive/check_seeds.py [--seeds PATH]

Checks every region folder under seeds/ (a folder holding projects.csv, cities.csv
and/or targets.csv): header columns, required cells, id syntax, ids unique across
all regions, vocabularies, well-formed dates and that every opening date has a
source. Prints one line per problem and exits 1 if there is any.
"""
import argparse
import csv
import datetime
import os
import re
import sys

PROJECT_COLS = ['project_id', 'name_zh', 'name_en', 'mode', 'category', 'status_zh', 'status_horizon',
                'endpoints', 'via', 'opened', 'opened_source', 'doc', 'section', 'notes']
PROJECT_REQUIRED = ['project_id', 'name_zh', 'name_en', 'mode', 'category', 'status_zh', 'status_horizon',
                    'doc', 'section']
CITY_COLS = ['city_id', 'name_zh', 'name_en', 'province', 'role', 'doc', 'section']
CITY_REQUIRED = CITY_COLS
TARGET_COLS = ['target_id', 'origin', 'kind', 'minutes', 'horizon', 'wording_zh', 'doc', 'section']
TARGET_REQUIRED = ['target_id', 'kind', 'horizon', 'wording_zh', 'doc', 'section']

# the same lists as src/seeds.rs (MODES, HORIZONS, ROLES), which the engine checks on loading
MODES = {'airport', 'rail-hub', 'hsr', 'intercity', 'trunk-rail', 'local-rail', 'suburban', 'metro',
         'expressway', 'road', 'port', 'waterway', 'hub'}
HORIZONS = {'2020', '2025', '2035', 'beyond', 'unspecified'}
TARGET_HORIZONS = HORIZONS | {'baseline'}
ROLES = {'core', 'linked', 'node', 'small-city', 'metro', 'member-2015', 'adjacent', 'pole'}
SOURCE_PREFIXES = ('url:', 'shared:', 'doc:', 'derived:', 'assumption:')
ID_RE = re.compile(r'^[a-z0-9]+(-[a-z0-9]+)*$')
CITY_RE = re.compile(r'^\d{6}$')
DOC_RE = re.compile(r'^\d{3}$')
DATE_RE = re.compile(r'^\d{4}-\d{2}(-\d{2})?$')


def valid_date(s):
    if not DATE_RE.match(s):
        return False
    parts = [int(p) for p in s.split('-')]
    try:
        datetime.date(parts[0], parts[1], parts[2] if len(parts) == 3 else 1)
    except ValueError:
        return False
    return True


def read(path, problems):
    with open(path, encoding='utf-8', newline='') as f:
        text = f.read()
    if '\r' in text:
        problems.append(f'{path}: contains \\r line endings')
    rows = list(csv.DictReader(text.splitlines()))
    header = next(csv.reader(text.splitlines()[:1]), [])
    return header, rows


def check_common(path, header, rows, cols, required, problems):
    for c in cols:
        if c not in header:
            problems.append(f'{path}: missing column {c}')
    if len(set(header)) != len(header):
        problems.append(f'{path}: duplicate column names')
    for i, r in enumerate(rows, start=2):
        if None in r or any(v is None for v in r.values()):
            problems.append(f'{path}:{i}: wrong number of cells')
            continue
        for c in required:
            if not (r.get(c) or '').strip():
                problems.append(f'{path}:{i}: empty required cell {c}')
        if r.get('doc') and not DOC_RE.match(r['doc']):
            problems.append(f'{path}:{i}: doc {r["doc"]!r} is not a 3-digit seed number')


def check_id(path, line, field, value, seen, where, problems):
    """An id must be lower-case ascii with dashes and unique across all regions (`seen` maps id -> file)."""
    if value and not ID_RE.match(value):
        problems.append(f'{path}:{line}: {field} {value!r} is not lower-case ascii with dashes')
    if value in seen:
        problems.append(f'{path}:{line}: {field} {value} already used in {seen[value]}')
    elif value:
        seen[value] = where


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument('--seeds', default=os.path.join(here, '..', '..', 'seeds'))
    args = ap.parse_args()
    seeds = os.path.normpath(args.seeds)
    problems = []
    project_ids, target_ids = {}, {}
    counts = []
    regions = sorted(d for d in os.listdir(seeds) if os.path.isdir(os.path.join(seeds, d)))
    if not regions:
        problems.append(f'{seeds}: no region folders')
    for region in regions:
        rdir = os.path.join(seeds, region)
        p = os.path.join(rdir, 'projects.csv')
        if os.path.exists(p):
            header, rows = read(p, problems)
            check_common(p, header, rows, PROJECT_COLS, PROJECT_REQUIRED, problems)
            counts.append((p, len(rows)))
            for i, r in enumerate(rows, start=2):
                check_id(p, i, 'project_id', r.get('project_id') or '', project_ids, f'{region}/projects.csv', problems)
                if r.get('mode') and r['mode'] not in MODES:
                    problems.append(f'{p}:{i}: mode {r["mode"]!r} not in {sorted(MODES)}')
                if r.get('status_horizon') and r['status_horizon'] not in HORIZONS:
                    problems.append(f'{p}:{i}: status_horizon {r["status_horizon"]!r} not in {sorted(HORIZONS)}')
                opened = (r.get('opened') or '').strip()
                src = (r.get('opened_source') or '').strip()
                if opened:
                    if not valid_date(opened):
                        problems.append(f'{p}:{i}: opened {opened!r} is not YYYY-MM-DD or YYYY-MM')
                    if not src:
                        problems.append(f'{p}:{i}: opened without opened_source')
                elif src:
                    problems.append(f'{p}:{i}: opened_source without opened')
                if src:
                    for part in src.split(' ; '):
                        if not part.strip().startswith(SOURCE_PREFIXES):
                            problems.append(f'{p}:{i}: opened_source part {part[:40]!r} lacks a source prefix')
        c = os.path.join(rdir, 'cities.csv')
        if os.path.exists(c):
            header, rows = read(c, problems)
            check_common(c, header, rows, CITY_COLS, CITY_REQUIRED, problems)
            counts.append((c, len(rows)))
            seen = set()
            for i, r in enumerate(rows, start=2):
                cid = r.get('city_id') or ''
                if cid and not CITY_RE.match(cid):
                    problems.append(f'{c}:{i}: city_id {cid!r} is not a 6-digit code')
                if cid in seen:
                    problems.append(f'{c}:{i}: duplicate city_id {cid}')
                seen.add(cid)
                if r.get('role') and r['role'] not in ROLES:
                    problems.append(f'{c}:{i}: role {r["role"]!r} not in {sorted(ROLES)}')
        t = os.path.join(rdir, 'targets.csv')
        if os.path.exists(t):
            header, rows = read(t, problems)
            check_common(t, header, rows, TARGET_COLS, TARGET_REQUIRED, problems)
            counts.append((t, len(rows)))
            for i, r in enumerate(rows, start=2):
                check_id(t, i, 'target_id', r.get('target_id') or '', target_ids, f'{region}/targets.csv', problems)
                if r.get('horizon') and r['horizon'] not in TARGET_HORIZONS:
                    problems.append(f'{t}:{i}: horizon {r["horizon"]!r} not in {sorted(TARGET_HORIZONS)}')
                m = (r.get('minutes') or '').strip()
                if m and not (m.isdigit() and int(m) > 0):
                    problems.append(f'{t}:{i}: minutes {m!r} is not a positive integer')
                v = (r.get('value') or '').strip()
                if v:
                    try:
                        float(v)
                    except ValueError:
                        problems.append(f'{t}:{i}: value {v!r} is not a number')
                    if not (r.get('unit') or '').strip():
                        problems.append(f'{t}:{i}: value without unit')
    for path, n in counts:
        print(f'{os.path.relpath(path, seeds)}: {n} rows')
    for pr in problems:
        print('PROBLEM ' + pr)
    if problems:
        print(f'{len(problems)} problem(s)')
        return 1
    print('seeds OK')
    return 0


if __name__ == '__main__':
    sys.exit(main())
