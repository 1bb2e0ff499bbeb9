#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Records its start and end in the log file $1 (one short line each, appended), to measure
# how many plugins ran at once.
echo "S" >> "$1"
sleep 0.3
echo "E" >> "$1"
echo "OK - conc"
