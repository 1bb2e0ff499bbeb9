#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A plugin that hangs with a child of its own: writes its process group id to $1, then sleeps.
echo "$$" > "$1.tmp" && mv "$1.tmp" "$1"
sleep 300 &
sleep 300
echo "not reached"
