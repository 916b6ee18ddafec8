package io.tensorpool.cli;

import io.tensorpool.shm.ShmValidationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code tensorpool} command: subcommands for operators and first-time users. Exit status 0 on success,
 * {@link #EXIT_FAILURE} when the operation failed (unreadable file, unreachable driver, a frame failing verification)
 * and {@link #EXIT_USAGE} for bad arguments; every failure prints one line naming the problem, with the stack trace
 * only under {@code --verbose}.
 */
@Command(
    name = "tensorpool",
    mixinStandardHelpOptions = true,
    versionProvider = TensorPoolCommand.Version.class,
    description = "Shared-Memory Tensor Pool tools: run a driver, produce, consume, inspect and discover streams.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
        CommandLine.HelpCommand.class,
        DriverCommand.class,
        ProduceCommand.class,
        ConsumeCommand.class,
        InspectCommand.class,
        DiscoverCommand.class,
        QosCommand.class,
        AttachCommand.class,
        DetachCommand.class,
        RegistryCommand.class,
    },
    footer = {
        "",
        "Exit status: 0 success, 1 the operation failed, 2 bad arguments.",
        "Run 'tensorpool COMMAND --help' for the options of a command.",
    })
public final class TensorPoolCommand implements Runnable
{
    /** Success. */
    public static final int EXIT_OK = 0;
    /** The operation failed: bad input file, unreachable driver, verification failure. */
    public static final int EXIT_FAILURE = 1;
    /** Bad command-line arguments. */
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
        description = "Log more and print stack traces of failures.")
    boolean verbose;

    /** Run the command line and exit the JVM with its status. */
    public static void main(final String[] args)
    {
        final PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        final PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        final int status = execute(out, err, args);
        out.flush();
        err.flush();
        System.exit(status);
    }

    /**
     * Run the command line in this JVM with the given output streams (what {@link #main} and the tests use).
     *
     * @return the exit status.
     */
    public static int execute(final PrintWriter out, final PrintWriter err, final String... args)
    {
        return newCommandLine(out, err).execute(args);
    }

    /** A configured command line: error handlers, output streams, the log level chosen before the command runs. */
    public static CommandLine newCommandLine(final PrintWriter out, final PrintWriter err)
    {
        final TensorPoolCommand root = new TensorPoolCommand();
        final CommandLine commandLine = new CommandLine(root);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((ex, args) ->
        {
            final CommandLine failed = ex.getCommandLine();
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + ex.getMessage() +
                " (see '" + failed.getCommandSpec().qualifiedName() + " --help')");
            return EXIT_USAGE;
        });
        commandLine.setExecutionExceptionHandler((ex, failed, parseResult) ->
        {
            final PrintWriter errors = failed.getErr();
            errors.println(failed.getCommandSpec().qualifiedName() + ": " + oneLineReason(ex));
            if (root.verbose)
            {
                ex.printStackTrace(errors);
            }
            errors.flush();
            return ex instanceof CliFailure ? ((CliFailure)ex).exitCode() : EXIT_FAILURE;
        });
        commandLine.setExecutionStrategy(parseResult ->
        {
            configureLogging(root.verbose, parseResult.asCommandLineList().get(
                parseResult.asCommandLineList().size() - 1).getCommand());
            return new CommandLine.RunLast().execute(parseResult);
        });
        return commandLine;
    }

    /** Without a command there is nothing to do: a usage error. */
    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing COMMAND");
    }

    /** Whether {@code --verbose} was given (shared by every subcommand). */
    public boolean verbose()
    {
        return verbose;
    }

    /** The message of a failure as one line; unexpected exceptions also name their type. */
    static String oneLineReason(final Throwable ex)
    {
        final String message = ex.getMessage();
        final String text;
        if (ex instanceof CliFailure || ex instanceof ShmValidationException)
        {
            text = message;
        }
        else
        {
            text = ex.getClass().getSimpleName() + (message == null ? "" : ": " + message) +
                " (rerun with --verbose for details)";
        }
        return text == null ? ex.getClass().getSimpleName() : text.replace('\n', ' ');
    }

    /**
     * slf4j-simple reads its configuration once, when the first logger is created, so the level is set before the
     * command runs: quiet for one-shot tools, informative for the long-running servers, everything with --verbose.
     * An explicit {@code -Dorg.slf4j.simpleLogger.defaultLogLevel} wins.
     */
    private static void configureLogging(final boolean verbose, final Object command)
    {
        final String levelProperty = "org.slf4j.simpleLogger.defaultLogLevel";
        if (System.getProperty(levelProperty) == null)
        {
            final String level = verbose ? "debug" : (command instanceof ServerCommand ? "info" : "warn");
            System.setProperty(levelProperty, level);
        }
        if (System.getProperty("org.slf4j.simpleLogger.showDateTime") == null)
        {
            System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
            System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        }
    }

    /** Marks the commands that run a server (driver, registry): they log at INFO by default. */
    interface ServerCommand
    {
    }

    /** The version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String version = TensorPoolCommand.class.getPackage().getImplementationVersion();
            return new String[]
            {
                "tensorpool " + (version == null ? "dev" : version) +
                    " (Wire Spec v1.1, Driver Model v1.0, Discovery v1.0)",
            };
        }
    }
}
