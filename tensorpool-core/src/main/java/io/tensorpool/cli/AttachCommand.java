package io.tensorpool.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aeron.Aeron;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.driver.client.DriverAttachException;
import io.tensorpool.driver.client.DriverAttachment;
import io.tensorpool.driver.client.DriverClient;
import io.tensorpool.driver.client.LeaseState;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.StreamLayout;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code tensorpool attach}: a raw {@code ShmAttachRequest} (Driver §4.2) for operators. Prints the lease and the
 * layout the driver granted; with {@code --keepalive} holds the lease until Ctrl-C and detaches, otherwise leaves it
 * to expire (or to {@code tensorpool detach}).
 */
@Command(
    name = "attach",
    mixinStandardHelpOptions = true,
    description = {
        "Attach to the SHM driver as a producer or consumer of a stream and print the lease and layout " +
            "granted.",
        "",
        "Without --keepalive the command exits at once and the lease expires after the driver's grace " +
            "period (or release it with 'tensorpool detach'); with --keepalive it holds the lease until " +
            "Ctrl-C, then detaches.",
    })
final class AttachCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--stream", required = true, paramLabel = "ID", description = "Stream id (u32, not 0).")
    long streamId;

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "producer or consumer.")
    DriverRole role;

    @Option(names = "--create", description = "Producer only: create the stream if the driver does not know it " +
        "(publishMode EXISTING_OR_CREATE).")
    boolean create;

    @Option(names = "--keepalive", description = "Hold the lease with keepalives until Ctrl-C, then detach.")
    boolean keepalive;

    @Option(names = "--client-id", paramLabel = "ID", description = "Client id (default: a random one).")
    Long clientId;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
        description = "How long to try to attach (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Mixin
    AeronOptions aeronOptions;

    @Mixin
    RunOptions run;

    /** The two roles, spelled for the command line. */
    enum DriverRole
    {
        producer(Role.PRODUCER), consumer(Role.CONSUMER);

        final Role wire;

        DriverRole(final Role wire)
        {
            this.wire = wire;
        }
    }

    @Override
    public Integer call()
    {
        final int stream = CliArguments.streamId(streamId);
        if (create && role != DriverRole.producer)
        {
            throw CliArguments.usage("--create applies to --role producer only");
        }
        if (!(timeoutSeconds > 0))
        {
            throw CliArguments.usage("--timeout must be a positive number of seconds, was " + timeoutSeconds);
        }
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        Aeron aeron = null;
        DriverClient client = null;
        final StopSignal stop = StopSignal.install(run.duration());
        try
        {
            aeron = aeronOptions.connect();
            final DriverClient.Context ctx = new DriverClient.Context().aeron(aeron).streamId(stream).role(role.wire)
                .autoReattach(false);
            if (create)
            {
                ctx.publishMode(PublishMode.EXISTING_OR_CREATE);
            }
            if (clientId != null)
            {
                ctx.clientId(CliArguments.u32("--client-id", clientId));
            }
            client = new DriverClient(ctx);
            final DriverAttachment attachment;
            try
            {
                attachment = client.attach(Duration.ofNanos((long)(timeoutSeconds * 1e9)));
            }
            catch (final DriverAttachException ex)
            {
                throw new CliFailure("attach refused: " + ex.getMessage(), ex);
            }
            SummaryOutput.print(out, run.json, describe(attachment));
            if (!keepalive)
            {
                // Leave the lease to expire: closing the client would detach it.
                client = null;
                return TensorPoolCommand.EXIT_OK;
            }

            final StatusLine status = new StatusLine(err, "attach lease=" + attachment.leaseId(), !run.noStatus);
            final IdleStrategy idle = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(1));
            while (stop.running() && client.state() != LeaseState.CLOSED)
            {
                final int work = client.doWork();
                final long now = System.nanoTime();
                if (status.due(now))
                {
                    status.print(now, "attach stream=" + Integer.toUnsignedString(stream) + " role=" + role +
                        ": state=" + client.state() + " keepalives=" + client.keepalivesSent() +
                        (client.attachment() == null ? "" : " lease=" + client.attachment().leaseId() + " epoch=" +
                        client.attachment().epoch()));
                }
                idle.idle(work);
            }
            status.finish();
            if (client.state() == LeaseState.CLOSED)
            {
                throw new CliFailure("lease lost: " + client.lastCode() + " " + client.lastMessage());
            }
            client.close();
            client = null;
            out.println("detached: stream=" + Integer.toUnsignedString(stream) + " role=" + role + " lease=" +
                attachment.leaseId());
            return TensorPoolCommand.EXIT_OK;
        }
        finally
        {
            CloseHelper.quietCloseAll(client, aeron);
            // last, so that a Ctrl-C waits until everything above is closed
            stop.close();
        }
    }

    static ObjectNode describe(final DriverAttachment a)
    {
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("leaseId", a.leaseId());
        node.put("streamId", Integer.toUnsignedLong(a.streamId()));
        node.put("clientId", Integer.toUnsignedLong(a.clientId()));
        node.put("role", a.role().name());
        node.put("epoch", a.epoch());
        node.put("leaseExpiryTimestampNs", a.leaseExpiryTimestampNs());
        final StreamLayout layout = a.layout();
        node.put("layoutVersion", layout.layoutVersion());
        node.put("headerNslots", layout.headerNslots());
        node.put("headerRegionUri", layout.headerRegionUri());
        final ArrayNode pools = node.putArray("payloadPools");
        for (final PoolDescriptor pool : layout.pools())
        {
            pools.addObject().put("poolId", pool.poolId()).put("poolNslots", pool.nslots())
                .put("strideBytes", pool.strideBytes()).put("regionUri", pool.regionUri());
        }
        return node;
    }
}
