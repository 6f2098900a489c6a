select 31 as model, 0.665 as cost, (select 1 from pg_sleep(0.665 * {{ var('time_scale', 1) }})) as slept
