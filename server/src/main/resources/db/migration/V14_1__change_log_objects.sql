-- A change record that stands for many objects (object type 'bulk_import': the assignments one run of an import
-- chunk gave, in one record instead of one per assignment) keeps their compact list here, as JSON text: stored
-- once, compressed by TOAST, read by the engine's decoder on every node and paged by the events API's
-- /events/{revision}/objects. NULL for every other record. size_bytes counts it, so bounded reads stay bounded.
ALTER TABLE change_log ADD COLUMN objects text;
