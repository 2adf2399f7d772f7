package dev.gatehouse.app;

import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * A node cannot start because of its surroundings, not because of a bug: its port is taken or its host is not an
 * address of this machine, the external database does not answer or refuses the login, the data directory cannot
 * be used or is in use by another node. The message is one line for the operator, naming what failed and where
 * (never a password); {@code serve} prints it and exits 2, as it does for a bad option. The cause is kept.
 * Immutable.
 */
public final class StartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    StartupException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** What the innermost cause of {@code failure} says, in words rather than an exception's class name. */
    static String innermost(Throwable failure) {
        Throwable innermost = failure;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        return describe(innermost);
    }

    private static String describe(Throwable failure) {
        if (failure instanceof FileSystemException file && file.getReason() != null) {
            return file.getReason();
        }
        if (failure instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (failure instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (failure instanceof UnknownHostException) {
            return "unknown host " + failure.getMessage();
        }
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
