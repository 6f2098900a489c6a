import ArgumentParser

/// `--out ""` (often an unset variable, `--out "$OUT"`) would put a run's files in `/` or
/// the current directory's root: refused as bad input.
enum OutDirectoryCheck {
    /// Throws when `out` was given empty.
    static func validate(_ out: String?) throws {
        if out?.isEmpty == true {
            throw ValidationError("--out is empty (an unset variable?): give a directory, or leave --out out for the default under runs/")
        }
    }
}
