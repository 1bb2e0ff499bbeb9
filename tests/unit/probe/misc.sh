#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Plugins that misbehave in one way each, chosen by $1.
case "$1" in
exit42) echo "something odd"; exit 42 ;;
garbage) printf 'OK \000\001\002\377 garbage\n'; exit 0 ;;
stderr) echo "oops on stderr" >&2; echo "second line" >&2; exit 2 ;;
silent) exit 1 ;;
env) echo "PATH=$PATH,LC_ALL=$LC_ALL,HOME=${HOME:-unset},FOO=${SW_TEST_FOO:-unset}"; exit 0 ;;
stdin) if read -r line; then echo "read: $line"; else echo "stdin empty"; fi; exit 0 ;;
big) i=0; while [ $i -lt 200 ]; do printf 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'; i=$((i+1)); done; echo; exit 1 ;;
signal) kill -TERM $$ ;;
perf) printf 'LOAD OK - fine|load1=0.5;1;2;0 load5=0.25;1;2;0\nlong line|extra=3c\n'; exit 0 ;;
*) echo "usage"; exit 3 ;;
esac
