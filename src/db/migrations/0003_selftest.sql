-- Records executions of the "selftest.record" job kind (the kill -9 durability test and bench).
CREATE TABLE selftest_runs (
  id {{pk}},
  job_id BIGINT NOT NULL,
  worker TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX selftest_runs_job ON selftest_runs(job_id);
