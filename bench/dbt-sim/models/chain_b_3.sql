select 'b' as chain, 3 as step, (select count(*) from {{ ref('chain_b_2') }}) as before, (select 1 from pg_sleep(0.300 * {{ var('time_scale', 1) }})) as slept
