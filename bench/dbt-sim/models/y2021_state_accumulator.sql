select 2021 as year, 0 + sum(x) as total, min(slept) as slept
from (select x, (select 1 from pg_sleep(2.000 * {{ var('time_scale', 1) }})) as slept from {{ ref('stg_inputs') }}) s
