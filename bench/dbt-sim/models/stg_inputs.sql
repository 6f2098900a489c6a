select g as k, g * 7 % 13 as x, (select 1 from pg_sleep(0.200 * {{ var('time_scale', 1) }})) as slept from generate_series(1, 100) g
