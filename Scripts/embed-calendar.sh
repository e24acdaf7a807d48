#!/usr/bin/env bash
# Rewrites Sources/Redline/Data/ChinaHolidays.swift from Rules/calendar/cn.csv, the calendar
# built into Redline. Run after changing the CSV (for example when a new year's notice is out).
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo '// Generated from Rules/calendar/cn.csv (do not edit here; edit that file, then run'
  echo '// `Scripts/embed-calendar.sh`). CalendarTests checks that the two agree byte for byte.'
  echo ''
  echo '/// China'"'"'s statutory holidays and make-up working days (调休), 2004 to 2026, as the State'
  echo '/// Council'"'"'s yearly notices (国务院办公厅关于部分节假日安排的通知) set them: built in, so working'
  echo '/// days are right wherever Redline runs, with no file to find.'
  echo 'enum ChinaHolidays {'
  echo '    static let name = "cn"'
  echo '    static let csv = """'
  cat Rules/calendar/cn.csv
  echo ''
  echo '"""'
  echo '}'
} > Sources/Redline/Data/ChinaHolidays.swift
