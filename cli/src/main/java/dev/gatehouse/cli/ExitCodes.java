package dev.gatehouse.cli;

/** The command line's exit codes, as docs/cli.md lists them; {@code check} uses them like {@code grep}. */
final class ExitCodes {

    /** Success: done, allowed, nothing pending. */
    static final int OK = 0;
    /** A negative answer: a check denied, an apply plan with changes pending, an import line refused. */
    static final int NO = 1;
    /** An error: bad usage or input, an unreachable server, a refused request (its problem on standard error). */
    static final int ERROR = 2;

    private ExitCodes() {
    }
}
