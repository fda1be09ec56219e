/**
 * Schema history of atrium.sqlite. Each entry moves the database from version `index` to
 * `index + 1` (PRAGMA user_version); entries are never edited once released, only appended.
 */
export const migrations: readonly string[] = [
  // 1: scans, label classes and which slices a person has annotated, plus an event log.
  `
  CREATE TABLE volumes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    scan_file TEXT NOT NULL,
    labels_file TEXT,
    shape TEXT NOT NULL,
    spacing TEXT NOT NULL,
    datatype TEXT NOT NULL,
    orientation TEXT NOT NULL,
    affine TEXT NOT NULL,
    source_name TEXT NOT NULL,
    imported_at TEXT NOT NULL
  );
  CREATE TABLE label_classes (
    value INTEGER PRIMARY KEY CHECK (value BETWEEN 1 AND 254),
    name TEXT NOT NULL,
    color TEXT NOT NULL
  );
  CREATE TABLE annotated_slices (
    volume_id TEXT NOT NULL REFERENCES volumes(id) ON DELETE CASCADE,
    axis TEXT NOT NULL CHECK (axis IN ('i', 'j', 'k')),
    slice INTEGER NOT NULL CHECK (slice >= 0),
    state TEXT NOT NULL DEFAULT 'annotated',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (volume_id, axis, slice)
  );
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL
  );
  `,
  // 2: training runs, the models they produce, their predictions and the review of them.
  `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    method TEXT NOT NULL,
    model TEXT NOT NULL,
    backend TEXT NOT NULL,
    config TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'finished', 'cancelled', 'failed')),
    created_at TEXT NOT NULL,
    finished_at TEXT,
    iterations INTEGER NOT NULL DEFAULT 0,
    val_dice REAL,
    summary TEXT
  );
  CREATE TABLE models (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    file TEXT NOT NULL,
    iteration INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE predictions (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    volume_id TEXT NOT NULL REFERENCES volumes(id) ON DELETE CASCADE,
    labels_file TEXT NOT NULL,
    probabilities_file TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (run_id, volume_id)
  );
  CREATE TABLE review_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    prediction_id TEXT NOT NULL REFERENCES predictions(id) ON DELETE CASCADE,
    axis TEXT CHECK (axis IN ('i', 'j', 'k')),
    slice INTEGER,
    decision TEXT NOT NULL CHECK (decision IN ('accepted', 'corrected', 'rejected')),
    decided_at TEXT NOT NULL
  );
  `,
  // 3: the annotation journal. A volume's label map is its labels_file (a snapshot) plus the
  // edits replayed from snapshot_seq on; undone edits stay for redo, dropped ones only until
  // the next snapshot no longer needs them.
  `
  CREATE TABLE annotation_heads (
    volume_id TEXT PRIMARY KEY REFERENCES volumes(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL DEFAULT 0 CHECK (revision >= 0),
    snapshot_seq INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE annotation_edits (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    volume_id TEXT NOT NULL REFERENCES volumes(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('applied', 'undone', 'dropped')),
    diff BLOB NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX annotation_edits_by_volume ON annotation_edits (volume_id, seq);
  `,
  // 4: a review decision is carried by an annotation edit (kind 'review'): undoing the edit
  // sets undone, redoing clears it, so only decisions with undone = 0 are in effect. edit_seq
  // is not a foreign key because compaction deletes old edits while their decisions stand.
  `
  ALTER TABLE review_decisions ADD COLUMN edit_seq INTEGER;
  ALTER TABLE review_decisions ADD COLUMN undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1));
  CREATE INDEX review_decisions_by_edit ON review_decisions (edit_seq);
  CREATE INDEX review_decisions_by_prediction ON review_decisions (prediction_id, axis, slice);
  `,
  // 5: a prediction taken mid-run records the iteration of its model (NULL: the run's final
  // model); a run records how many slices were annotated when it started; the project may name
  // an earlier run's model as its current one (a rollback), else the newest model is current.
  `
  ALTER TABLE predictions ADD COLUMN iteration INTEGER;
  ALTER TABLE runs ADD COLUMN annotated_slices INTEGER;
  CREATE TABLE project_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 6: what a run's val_dice measures ('held-out' annotated slices or scans, or only the fit on
  // the 'training-slices'; NULL for runs recorded before), and the figures on unannotated data
  // taken with it: the share of confident tissue voxels and the agreement of the run's two networks.
  `
  ALTER TABLE runs ADD COLUMN validation TEXT CHECK (validation IN ('held-out', 'training-slices', 'none'));
  ALTER TABLE runs ADD COLUMN confident REAL;
  ALTER TABLE runs ADD COLUMN agreement REAL;
  `,
  // 7: the process that owns a run while it trains (see runOwnership.ts): its PID, its start
  // time where the system tells it (a reused PID is then not taken for the owner), its host and
  // when it took the run; all NULL when no process owns it.
  `
  ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
  ALTER TABLE runs ADD COLUMN owner_start TEXT;
  ALTER TABLE runs ADD COLUMN owner_host TEXT;
  ALTER TABLE runs ADD COLUMN owner_since TEXT;
  `,
  // 8: one name per concept: the imported image is a "scan" (table scans, columns scan_id), and
  // the file holding a scan's voxels is its image_file. RENAME keeps the rows and rewrites the
  // foreign keys, indexes and triggers that name the table or column.
  `
  ALTER TABLE volumes RENAME TO scans;
  ALTER TABLE scans RENAME COLUMN scan_file TO image_file;
  ALTER TABLE annotated_slices RENAME COLUMN volume_id TO scan_id;
  ALTER TABLE predictions RENAME COLUMN volume_id TO scan_id;
  ALTER TABLE annotation_heads RENAME COLUMN volume_id TO scan_id;
  ALTER TABLE annotation_edits RENAME COLUMN volume_id TO scan_id;
  DROP INDEX annotation_edits_by_volume;
  CREATE INDEX annotation_edits_by_scan ON annotation_edits (scan_id, seq);
  `,
];

export const SCHEMA_VERSION = migrations.length;
