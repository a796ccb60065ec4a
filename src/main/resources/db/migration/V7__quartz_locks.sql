-- Quartz inserts its two lock rows the first time it needs them. Nodes of a cluster starting
-- together on a new database both inserted them: one failed on the primary key and did not start
-- (seen in ClusterIT). The rows are here before any node starts.
insert into qrtz_locks (sched_name, lock_name)
select 'QuarkusQuartzScheduler', 'TRIGGER_ACCESS'
where not exists (
    select 1 from qrtz_locks
    where sched_name = 'QuarkusQuartzScheduler' and lock_name = 'TRIGGER_ACCESS');

insert into qrtz_locks (sched_name, lock_name)
select 'QuarkusQuartzScheduler', 'STATE_ACCESS'
where not exists (
    select 1 from qrtz_locks
    where sched_name = 'QuarkusQuartzScheduler' and lock_name = 'STATE_ACCESS');

-- Alert collection runs on one node at a time under this lock (Alerts.tick).
insert into cluster_lock (name) values ('alerts');
