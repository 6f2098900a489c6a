import Foundation
import Testing

@testable import MPIBatchWorkloads

@Suite struct DirectSpawnTests {
    private func directory() throws -> String {
        TestScratch.directory("direct-spawn")
    }

    private func file(_ path: String, executable: Bool) throws {
        try "#!/bin/sh\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: path)
    }

    /// Bash's search: a directory and a non-executable file of the name are passed over;
    /// a relative entry before the match, or no match, leaves the line to bash.
    @Test func searchSkipsDirectoriesAndNonExecutablesAndStopsAtRelativeEntries() throws {
        let root = try directory()
        for name in ["a", "b", "c"] { try FileManager.default.createDirectory(atPath: "\(root)/\(name)", withIntermediateDirectories: true) }
        try FileManager.default.createDirectory(atPath: "\(root)/a/tool", withIntermediateDirectories: true)
        try file("\(root)/a/tool2", executable: false)
        try file("\(root)/b/tool", executable: true)
        try file("\(root)/b/tool2", executable: true)
        try file("\(root)/c/tool3", executable: false)
        let search = CommandSearch(path: "\(root)/a:\(root)/b/:\(root)/c:relative")
        #expect(search.path(of: "tool") == "\(root)/b/tool")
        #expect(search.path(of: "tool2") == "\(root)/b/tool2")
        #expect(search.path(of: "tool3") == nil)
        #expect(search.path(of: "missing") == nil)
        #expect(CommandSearch(path: ":\(root)/b").path(of: "tool") == nil)
        #expect(CommandSearch(path: "~/bin:\(root)/b").path(of: "tool") == nil)
        // Found once: the answer stays for the rank's life.
        try FileManager.default.removeItem(atPath: "\(root)/b/tool")
        #expect(search.path(of: "tool") == "\(root)/b/tool")
        #expect(CommandSearch(path: "\(root)/b").path(of: "tool") == nil)
    }

    @Test func environmentsBashActsOnKeepTheShell() {
        let base = ["PATH": "/usr/bin:/bin", "HOME": "/root", "SHLVL": "1"]
        #expect(BashStartup(base) != nil)
        for (name, value) in [
            ("BASH_ENV", "/etc/profile"), ("BASH_FUNC_module%%", "() {  :\n}"), ("BASHOPTS", "x"), ("SHELLOPTS", "xtrace"),
            ("IFS", ":"), ("PS4", "+"), ("EXECIGNORE", "*"), ("POSIXLY_CORRECT", "1"), ("LC_ALL", "xx_YY.UTF-8"),
            ("SHLVL", "-1"), ("SHLVL", "007"), ("SHLVL", "999"), ("SHLVL", " 3"), ("OLDPWD", "relative"),
        ] {
            var variables = base
            variables[name] = value
            #expect(BashStartup(variables) == nil, "\(name)=\(value)")
        }
        #expect(BashStartup(["HOME": "/root"]) == nil)
        #expect(BashStartup(base.merging(["SSH_CLIENT": "1 2 3", "SHLVL": "0"]) { $1 }) == nil)
        #expect(BashStartup(base.merging(["SSH_CLIENT": "1 2 3"]) { $1 }) != nil)
        #expect(BashStartup(base.merging(["LC_ALL": "C"]) { $1 }) != nil)
        #expect(BashStartup(base.merging(["LC_ALL": ""]) { $1 }) != nil)
    }

    /// `SHLVL` 0 when missing, `OLDPWD` only when a directory, `PWD` and `_` never inherited.
    @Test func theInheritedVariablesAreThoseBashPassesOn() throws {
        let variables = ["PATH": "/usr/bin", "A": "1", "PWD": "/x", "_": "/usr/bin/mpirun", "OLDPWD": "/nonexistent-dir"]
        let startup = try #require(BashStartup(variables))
        #expect(Set(startup.inherited) == ["PATH=/usr/bin", "A=1", "SHLVL=0"])
        let kept = try #require(BashStartup(["PATH": "/usr/bin", "OLDPWD": "/tmp", "SHLVL": "4"]))
        #expect(Set(kept.inherited) == ["PATH=/usr/bin", "OLDPWD=/tmp", "SHLVL=4"])
    }

    /// `PWD`: the inherited one when it names the task's directory (through a symlink too),
    /// else the directory's physical path; nil for a directory that does not exist.
    @Test func workingDirectoryVariableIsBashs() throws {
        let root = try directory()
        try FileManager.default.createDirectory(atPath: root + "/real/sub", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/real")
        let physical = try #require(realpath(root + "/real", nil).map { String(cString: $0) })
        let throughLink = try #require(BashStartup(["PATH": "/usr/bin", "PWD": root + "/link/"]))
        #expect(throughLink.workingDirectoryVariable(in: root + "/real") == root + "/link/")
        #expect(throughLink.workingDirectoryVariable(in: root + "/link/sub") == physical + "/sub")
        #expect(throughLink.workingDirectoryVariable(in: root + "/missing") == nil)
        let relative = try #require(BashStartup(["PATH": "/usr/bin", "PWD": "link"]))
        #expect(relative.workingDirectoryVariable(in: root + "/link") == physical)
    }

    /// The installed bash passes on what `BashStartup` predicts (the check `DirectSpawn` makes
    /// once), for environments with each variable bash rewrites; dash does not, so it would
    /// keep every line in its shell.
    @Test func installedBashAgreesWithThePredictionAndDashDoesNot() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { return }
        let here = FileManager.default.currentDirectoryPath
        for extra in [[:], ["OLDPWD": "/tmp", "SHLVL": "3"], ["OLDPWD": "/nonexistent-dir", "PWD": "/"], ["PWD": here, "_": "/x"],
            ["weird-name": "1", "LC_ALL": "C"]]
        {
            let variables = ["PATH": "/usr/bin:/bin", "HOME": "/root"].merging(extra) { $1 }
            let startup = try #require(BashStartup(variables))
            let env = try #require(CommandSearch(path: "/usr/bin:/bin").path(of: "env"))
            let predicted = Set(startup.inherited + ["PWD=" + (startup.workingDirectoryVariable(in: nil) ?? ""), "_=" + env])
            let given = variables.map { "\($0.key)=\($0.value)" }
            #expect(BashProbe.environment(shell: "/bin/bash", variables: given) == predicted, "\(extra)")
            if FileManager.default.isExecutableFile(atPath: "/bin/dash") {
                #expect(BashProbe.environment(shell: "/bin/dash", variables: given) != predicted, "\(extra)")
            }
        }
    }
}
