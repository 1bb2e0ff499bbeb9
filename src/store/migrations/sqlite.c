/* SPDX-License-Identifier: Apache-2.0 */
/* migrations/sqlite.c: the SQLite schema as an ordered list of migrations. sqlite.c applies
 * those newer than the database's version, in one transaction, at open. Never edit a
 * migration that has shipped: add a new one. Schema described in docs/internals/store.md. */
#include <stddef.h>

#include "store/store_int.h"

static const struct sw_store_migration migrations[] = {
    {
        1,
        "initial schema",
        "CREATE TABLE objects ("
        "  id INTEGER PRIMARY KEY,"
        "  kind INTEGER NOT NULL CHECK (kind IN (0, 1)),"
        "  path TEXT NOT NULL,"
        "  UNIQUE (kind, path)"
        ");"
        "CREATE TABLE results ("
        "  id INTEGER PRIMARY KEY,"
        "  object_id INTEGER NOT NULL REFERENCES objects (id),"
        "  t_ms INTEGER NOT NULL,"
        "  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 3),"
        "  hard INTEGER NOT NULL,"
        "  attempt INTEGER NOT NULL,"
        "  latency_us INTEGER NOT NULL,"
        "  output TEXT,"
        "  perfdata TEXT,"
        "  passive INTEGER NOT NULL"
        ");"
        "CREATE INDEX results_object_t ON results (object_id, t_ms);"
        "CREATE INDEX results_t ON results (t_ms);"
        "CREATE TABLE intervals ("
        "  id INTEGER PRIMARY KEY,"
        "  object_id INTEGER NOT NULL REFERENCES objects (id),"
        "  start_s INTEGER NOT NULL,"
        "  end_s INTEGER CHECK (end_s IS NULL OR end_s > start_s),"
        "  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 3)"
        ");"
        "CREATE INDEX intervals_object_start ON intervals (object_id, start_s);"
        "CREATE UNIQUE INDEX intervals_one_open ON intervals (object_id) WHERE end_s IS NULL;"
        "CREATE TABLE check_state ("
        "  object_id INTEGER PRIMARY KEY REFERENCES objects (id),"
        "  state INTEGER NOT NULL,"
        "  hard_state INTEGER NOT NULL,"
        "  hard INTEGER NOT NULL,"
        "  has_state INTEGER NOT NULL,"
        "  attempt INTEGER NOT NULL,"
        "  since_s INTEGER NOT NULL,"
        "  last_check_ms INTEGER NOT NULL,"
        "  last_change_ms INTEGER NOT NULL,"
        "  output TEXT,"
        "  perfdata TEXT,"
        "  flapping INTEGER NOT NULL,"
        "  flap_history INTEGER NOT NULL,"
        "  flap_count INTEGER NOT NULL,"
        "  flap_last INTEGER NOT NULL"
        ");"
        "CREATE TABLE meta ("
        "  key TEXT PRIMARY KEY,"
        "  value"
        ");",
    },
    {
        2,
        "maintenance windows and SLO alerts",
        "CREATE TABLE maintenance ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  scope TEXT NOT NULL,"
        "  start_s INTEGER NOT NULL,"
        "  end_s INTEGER NOT NULL CHECK (end_s > start_s),"
        "  reason TEXT,"
        "  excluded INTEGER NOT NULL,"
        "  created_s INTEGER NOT NULL"
        ");"
        "CREATE INDEX maintenance_start ON maintenance (start_s);"
        "CREATE TABLE slo_alerts ("
        "  service TEXT NOT NULL,"
        "  page INTEGER NOT NULL,"
        "  long_s INTEGER NOT NULL,"
        "  short_s INTEGER NOT NULL,"
        "  factor_milli INTEGER NOT NULL,"
        "  burn_long REAL NOT NULL,"
        "  burn_short REAL NOT NULL,"
        "  exhaustion_s INTEGER NOT NULL,"
        "  since_s INTEGER NOT NULL,"
        "  no_data INTEGER NOT NULL,"
        "  PRIMARY KEY (service, long_s, short_s)"
        ");",
    },
    {
        3,
        "incidents",
        /* AUTOINCREMENT: an id is shown to people ("INC-12") and must never name two
         * incidents, not even after the newest rows were lost to a restore. */
        "CREATE TABLE incidents ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  version INTEGER NOT NULL CHECK (version >= 1),"
        "  kind INTEGER NOT NULL CHECK (kind IN (0, 1)),"
        "  service TEXT NOT NULL,"
        "  customer TEXT NOT NULL,"
        "  deployment TEXT NOT NULL,"
        "  title TEXT NOT NULL,"
        "  severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),"
        "  status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),"
        "  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 3),"
        "  output TEXT,"
        "  since_s INTEGER NOT NULL,"
        "  opened_s INTEGER NOT NULL,"
        "  acked_s INTEGER,"
        "  acked_by TEXT,"
        "  recovered_s INTEGER,"
        "  resolved_s INTEGER,"
        "  resolved_by TEXT,"
        "  parent INTEGER REFERENCES incidents (id),"
        "  reopened INTEGER NOT NULL CHECK (reopened >= 0),"
        "  policy TEXT,"
        "  esc_started INTEGER NOT NULL CHECK (esc_started IN (0, 1)),"
        "  esc_round INTEGER NOT NULL,"
        "  esc_step INTEGER NOT NULL,"
        "  esc_t_s INTEGER,"
        "  next_due_s INTEGER"
        ");"
        "CREATE INDEX incidents_status ON incidents (status);"
        "CREATE INDEX incidents_service ON incidents (service, opened_s);"
        "CREATE INDEX incidents_opened ON incidents (opened_s);"
        "CREATE UNIQUE INDEX incidents_one_open ON incidents (service) WHERE status <> 3;"
        "CREATE TABLE incident_events ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  incident INTEGER NOT NULL REFERENCES incidents (id),"
        "  t_s INTEGER NOT NULL,"
        "  kind TEXT NOT NULL,"
        "  actor TEXT,"
        "  text TEXT"
        ");"
        "CREATE INDEX incident_events_incident ON incident_events (incident, t_s, id);"
        "CREATE TABLE notifications ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  incident INTEGER NOT NULL REFERENCES incidents (id),"
        "  kind INTEGER NOT NULL CHECK (kind IN (0, 1)),"
        "  round INTEGER NOT NULL,"
        "  step INTEGER NOT NULL,"
        "  engineer TEXT,"
        "  channel TEXT NOT NULL,"
        "  address TEXT,"
        "  deployment TEXT NOT NULL,"
        "  created_s INTEGER NOT NULL,"
        "  due_s INTEGER NOT NULL,"
        "  attempts INTEGER NOT NULL CHECK (attempts >= 0),"
        "  status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),"
        "  error TEXT,"
        "  sent_s INTEGER"
        ");"
        "CREATE INDEX notifications_outbox ON notifications (status, due_s);"
        "CREATE INDEX notifications_incident ON notifications (incident, id);",
    },
    {
        4,
        "cases and changes",
        /* AUTOINCREMENT for the same reason as incidents: "CASE-7" and "CHG-3" are shown to
         * people and must never name two things. */
        "CREATE TABLE cases ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  version INTEGER NOT NULL CHECK (version >= 1),"
        "  customer TEXT NOT NULL,"
        "  deployment TEXT,"
        "  service TEXT,"
        "  severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),"
        "  title TEXT NOT NULL,"
        "  description TEXT,"
        "  status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 4),"
        "  assignee TEXT,"
        "  opened_by TEXT NOT NULL,"
        "  created_s INTEGER NOT NULL,"
        "  last_event_s INTEGER NOT NULL,"
        "  incident INTEGER REFERENCES incidents (id),"
        "  reopened INTEGER NOT NULL CHECK (reopened >= 0)"
        ");"
        "CREATE INDEX cases_customer ON cases (customer, created_s);"
        "CREATE INDEX cases_status ON cases (status);"
        "CREATE INDEX cases_created ON cases (created_s);"
        "CREATE UNIQUE INDEX cases_incident ON cases (incident) WHERE incident IS NOT NULL;"
        "CREATE TABLE case_events ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  case_id INTEGER NOT NULL REFERENCES cases (id),"
        "  t_s INTEGER NOT NULL,"
        "  kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 5 OR kind IN (100, 101)),"
        "  status INTEGER NOT NULL CHECK (status BETWEEN -1 AND 4),"
        "  author TEXT NOT NULL,"
        "  text TEXT"
        ");"
        "CREATE INDEX case_events_case ON case_events (case_id, t_s, id);"
        "CREATE TABLE changes ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  customer TEXT NOT NULL,"
        "  deployment TEXT NOT NULL,"
        "  title TEXT NOT NULL,"
        "  started_by TEXT NOT NULL,"
        "  started_s INTEGER NOT NULL,"
        "  finished_s INTEGER CHECK (finished_s IS NULL OR finished_s >= started_s),"
        "  result INTEGER NOT NULL CHECK (result BETWEEN -1 AND 1),"
        "  note TEXT,"
        "  CHECK ((finished_s IS NULL) = (result = -1))"
        ");"
        "CREATE INDEX changes_started ON changes (started_s);"
        "CREATE INDEX changes_deployment ON changes (deployment, started_s);",
    },
    {
        5,
        "incidents of support cases",
        /* a third kind of incident (2: a case timer's warning or breach). SQLite cannot change
         * a CHECK in place: the table is built again under the same name (sqlite.c runs
         * migrations with foreign keys off, so the rows that name incidents stay as they are) */
        "CREATE TABLE incidents_v5 ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  version INTEGER NOT NULL CHECK (version >= 1),"
        "  kind INTEGER NOT NULL CHECK (kind IN (0, 1, 2)),"
        "  service TEXT NOT NULL,"
        "  customer TEXT NOT NULL,"
        "  deployment TEXT NOT NULL,"
        "  title TEXT NOT NULL,"
        "  severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),"
        "  status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),"
        "  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 3),"
        "  output TEXT,"
        "  since_s INTEGER NOT NULL,"
        "  opened_s INTEGER NOT NULL,"
        "  acked_s INTEGER,"
        "  acked_by TEXT,"
        "  recovered_s INTEGER,"
        "  resolved_s INTEGER,"
        "  resolved_by TEXT,"
        "  parent INTEGER REFERENCES incidents (id),"
        "  reopened INTEGER NOT NULL CHECK (reopened >= 0),"
        "  policy TEXT,"
        "  esc_started INTEGER NOT NULL CHECK (esc_started IN (0, 1)),"
        "  esc_round INTEGER NOT NULL,"
        "  esc_step INTEGER NOT NULL,"
        "  esc_t_s INTEGER,"
        "  next_due_s INTEGER"
        ");"
        "INSERT INTO incidents_v5 SELECT * FROM incidents;"
        "DROP TABLE incidents;"
        "ALTER TABLE incidents_v5 RENAME TO incidents;"
        "CREATE INDEX incidents_status ON incidents (status);"
        "CREATE INDEX incidents_service ON incidents (service, opened_s);"
        "CREATE INDEX incidents_opened ON incidents (opened_s);"
        "CREATE UNIQUE INDEX incidents_one_open ON incidents (service) WHERE status <> 3;",
    },
    {
        6,
        "derived checks",
        /* checks made at run time (catalog discovery, alerts); a retired one keeps its row and
         * its history */
        "CREATE TABLE derived_checks ("
        "  path TEXT PRIMARY KEY,"
        "  parent TEXT NOT NULL,"
        "  freshness_ms INTEGER NOT NULL CHECK (freshness_ms >= 0),"
        "  created_s INTEGER NOT NULL,"
        "  retired_s INTEGER"
        ");",
    },
    {
        7,
        "API tokens",
        /* accounts: only a token's SHA-256 is kept; a revoked token keeps its row (who had
         * access when), and its name may be given to a new one */
        "CREATE TABLE api_tokens ("
        "  id INTEGER PRIMARY KEY,"
        "  name TEXT NOT NULL,"
        "  role INTEGER NOT NULL CHECK (role BETWEEN 0 AND 3),"
        "  customer TEXT CHECK ((role = 3) = (customer IS NOT NULL)),"
        "  sha256 BLOB NOT NULL UNIQUE CHECK (length(sha256) = 32),"
        "  created_s INTEGER NOT NULL,"
        "  revoked_s INTEGER"
        ");"
        "CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_s IS NULL;",
    },
};

const struct sw_store_migration *sw_store_sqlite_migrations(size_t *ret_n)
{
    *ret_n = sizeof(migrations) / sizeof(migrations[0]);
    return migrations;
}
