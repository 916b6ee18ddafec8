package io.tensorpool.cli;

import io.aeron.Aeron;
import io.tensorpool.discovery.DiscoveryProvider;
import io.tensorpool.discovery.DriverFeed;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code tensorpool registry}: a standalone discovery registry indexing the announces of one or more drivers. */
@Command(
    name = "registry",
    mixinStandardHelpOptions = true,
    description = {
        "Run a standalone discovery registry that indexes one or more SHM drivers and answers discovery " +
            "requests.",
        "",
        "Each --feed names a driver and where its announces are heard:",
        " " +
            "instance=<id>[;control=<channel>][;control-stream=<id>][;announce=<channel>][;announce-stream=<id>]",
        "  [;metadata=<channel>|none][;metadata-stream=<id>]",
        "Different drivers must announce on different endpoints. Stop with Ctrl-C.",
    })
final class RegistryCommand implements Callable<Integer>, TensorPoolCommand.ServerCommand
{
    @Spec
    CommandSpec spec;

    @Option(names = "--feed", required = true, paramLabel = "SPEC", description = "A driver to index (repeatable).")
    List<String> feeds = new ArrayList<>();

    @Option(names = "--request-channel", paramLabel = "CHANNEL",
        description = "Channel the registry takes requests on (default: the discovery default).")
    String requestChannel;

    @Option(names = "--request-stream-id", paramLabel = "ID",
        description = "Stream id the registry takes requests on (default: the discovery default).")
    Integer requestStreamId;

    @Mixin
    AeronOptions aeronOptions;

    @Mixin
    RunOptions run;

    @Override
    public Integer call()
    {
        final DiscoveryProvider.Context ctx = new DiscoveryProvider.Context().roleName("tensorpool-registry");
        try
        {
            for (final String feed : feeds)
            {
                ctx.addFeed(DriverFeed.parse(feed));
            }
            if (requestChannel != null)
            {
                ctx.requestChannel(requestChannel);
            }
            if (requestStreamId != null)
            {
                ctx.requestStreamId(requestStreamId);
            }
        }
        catch (final IllegalArgumentException ex)
        {
            throw CliArguments.usage("invalid --feed: " + ex.getMessage());
        }

        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        Aeron aeron = null;
        DiscoveryProvider provider = null;
        final StopSignal stop = StopSignal.install(run.duration());
        try
        {
            aeron = aeronOptions.connect();
            try
            {
                provider = new DiscoveryProvider(ctx.aeron(aeron));
            }
            catch (final IllegalArgumentException ex)
            {
                throw CliArguments.usage("invalid registry configuration: " + ex.getMessage());
            }
            out.println("tensorpool registry: requests on " + ctx.requestChannel() + " stream " +
                ctx.requestStreamId() + ", feeds " + ctx.feeds() + "; Ctrl-C to stop");
            out.flush();
            final StatusLine status = new StatusLine(err, "registry", !run.noStatus);
            final IdleStrategy idle = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(1));
            provider.onStart();
            while (stop.running())
            {
                final int work = provider.doWork();
                final long now = System.nanoTime();
                if (status.due(now))
                {
                    status.print(now, "registry: requests=" + provider.requestsReceived() + " responses=" +
                        provider.responsesSent() + " errors=" + provider.errorResponses() + " malformed=" +
                        provider.requestsMalformed());
                }
                idle.idle(work);
            }
            status.finish();
            out.println("requests=" + provider.requestsReceived() + " responses=" + provider.responsesSent() +
                " errors=" + provider.errorResponses());
            out.flush();
            return TensorPoolCommand.EXIT_OK;
        }
        finally
        {
            CloseHelper.quietCloseAll(provider, aeron);
            // last, so that a Ctrl-C waits until everything above is closed
            stop.close();
        }
    }
}
