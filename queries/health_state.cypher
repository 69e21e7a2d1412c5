// The stored health of services, before a round of probes is written.
// Parameters: $ids (service ids). Columns: id, name, project, healthStatus.
UNWIND $ids AS id
MATCH (s:Service {id: id})
RETURN s.id AS id, s.name AS name, s.project AS project, s.healthStatus AS healthStatus
