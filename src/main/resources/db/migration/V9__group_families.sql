-- Which address families a group's watches are probed over: both, v4 or v6; null follows
-- detour.monitor.families.
alter table watch_group add column families varchar(8);
