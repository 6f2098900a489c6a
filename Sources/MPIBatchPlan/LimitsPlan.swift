import MPIBatchJob

/// What `mpibatch plan` says of the job's named limits, priorities and binding: each limit,
/// who uses it and the most of their tasks that can run at once over the whole run (whatever
/// the ranks and slots); each priority given; `bind: cores`.
enum LimitsPlan {
    /// The lines, none when the job has no limits and no priorities.
    static func lines(_ job: JobSpec) -> [String] {
        let users: [(name: String, task: TaskSpec, space: IndexSpace)]
        switch job.body {
        case .sweep(let sweep): users = [("every task", sweep.task, sweep.space)]
        case .stages(let graph):
            users = graph.stages.compactMap { stage in
                guard case .tasks(let sweep, _) = stage.body else { return nil }
                return ("stage \(stage.name)", sweep.task, sweep.space)
            }
        case .monteCarlo: users = []
        }
        var lines: [String] = []
        for (number, limit) in job.limits.limits.enumerated() {
            let using = users.compactMap { user -> String? in
                guard let use = user.task.uses.uses.first(where: { $0.limit == number }) else { return nil }
                return "\(user.name) \(use.units) each, at most \(user.task.uses.mostAtOnce ?? 0) at once"
            }
            lines.append(
                "limit \(limit.name): \(limit.capacity) in use at once over the run; "
                    + (using.isEmpty ? "no task uses it" : using.joined(separator: "; ")))
        }
        for user in users {
            switch user.task.priority {
            case .fixed(let value) where value != 0:
                lines.append("priority: \(user.name) \(value.formatted) (higher first among ready work)")
            case .parameter(let number):
                lines.append("priority: \(user.name) by '\(user.space.parameters[number].name)', highest first")
            default:
                break
            }
        }
        if job.bindCores {
            lines.append("bind: cores (each command task pinned to CPUs of its own: a rank runs at most one task per CPU of its mask)")
        }
        return lines
    }
}

extension Double {
    /// `10` for a whole number, else the number as written.
    fileprivate var formatted: String { rounded() == self && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}
