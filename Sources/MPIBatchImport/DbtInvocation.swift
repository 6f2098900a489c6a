/// What every dbt call of an imported job shares: the program, the project, the target and
/// the variables given to the import, and arguments the user added (`--dbt-arg`).
struct DbtInvocation: Sendable {
    /// The dbt program.
    var program = "dbt"
    /// Where the project and its profiles are.
    var project: DbtProject
    /// `--target`, as given.
    var target: String?
    /// `--vars`, as given (YAML).
    var vars: String?
    /// Added after the rest.
    var extraArguments: [String] = []

    /// `--project-dir`, `--profiles-dir`, `--target`, `--vars` and the extra arguments.
    var projectArguments: [String] { projectArguments(withExtra: true) }

    /// `--project-dir`, `--profiles-dir`, `--target`, `--vars`, and the extra arguments when `withExtra`.
    func projectArguments(withExtra: Bool) -> [String] {
        ["--project-dir", project.root, "--profiles-dir", project.profilesDirectory]
            + (target.map { ["--target", $0] } ?? []) + (vars.map { ["--vars", $0] } ?? []) + (withExtra ? extraArguments : [])
    }
}
