package io.tensorpool.cli;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.control.DefaultEndpoints;
import io.tensorpool.driver.client.DriverEventListener;
import io.tensorpool.driver.client.DriverEventPoller;
import io.tensorpool.driver.client.DriverRequestEncoder;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** {@code tensorpool detach}: a raw {@code ShmDetachRequest} (Driver §4.4) for a lease, e.g. one from attach. */
@Command(
    name = "detach",
    mixinStandardHelpOptions = true,
    description = {
        "Release a lease: send ShmDetachRequest for the lease, stream, client id and role that " +
            "'tensorpool attach'",
        "printed, and wait for the driver's answer. Exit status 1 unless the driver answers OK.",
    })
final class DetachCommand implements Callable<Integer>, DriverEventListener
{
    @Spec
    CommandSpec spec;

    @Option(names = "--lease", required = true, paramLabel = "ID", description = "Lease id.")
    long leaseId;

    @Option(names = "--stream", required = true, paramLabel = "ID", description = "Stream id of the lease.")
    long streamId;

    @Option(names = "--client-id", required = true, paramLabel = "ID", description = "Client id of the lease.")
    long clientId;

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "producer or consumer.")
    AttachCommand.DriverRole role;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
        description = "How long to wait for the answer (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Mixin
    AeronOptions aeronOptions;

    private long correlationId;
    private ResponseCode code;
    private String errorMessage;

    @Override
    public Integer call()
    {
        final int stream = CliArguments.streamId(streamId);
        final int client = CliArguments.u32("--client-id", clientId);
        if (!(timeoutSeconds > 0))
        {
            throw CliArguments.usage("--timeout must be a positive number of seconds, was " + timeoutSeconds);
        }
        final PrintWriter out = spec.commandLine().getOut();
        Aeron aeron = null;
        Publication publication = null;
        Subscription subscription = null;
        try
        {
            aeron = aeronOptions.connect();
            subscription = aeron.addSubscription(DefaultEndpoints.CONTROL_CHANNEL, DefaultEndpoints.CONTROL_STREAM_ID);
            publication = aeron.addPublication(DefaultEndpoints.CONTROL_CHANNEL, DefaultEndpoints.CONTROL_STREAM_ID);
            final FragmentAssembler assembler = new FragmentAssembler(new DriverEventPoller(this));
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
            correlationId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            final int length = new DriverRequestEncoder().detachRequest(buffer, 0, correlationId, leaseId, stream,
                client, role.wire);

            final IdleStrategy idle = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(1));
            final long deadline = System.nanoTime() + (long)(timeoutSeconds * 1e9);
            boolean sent = false;
            while (code == null)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new CliFailure(sent ? "no answer from the SHM driver within " + timeoutSeconds + " s" :
                        "no SHM driver listening on " + DefaultEndpoints.CONTROL_CHANNEL + " stream " +
                        DefaultEndpoints.CONTROL_STREAM_ID + " (is 'tensorpool driver' running?)");
                }
                int work = 0;
                if (!sent && subscription.isConnected() && publication.offer(buffer, 0, length) > 0)
                {
                    sent = true;
                    work++;
                }
                work += subscription.poll(assembler, 16);
                idle.idle(work);
            }
            if (code != ResponseCode.OK)
            {
                throw new CliFailure("detach refused: " + code + (errorMessage == null || errorMessage.isEmpty() ?
                    "" : ": " + errorMessage));
            }
            out.println("detached: lease=" + leaseId + " stream=" + Integer.toUnsignedString(stream) + " role=" + role);
            out.flush();
            return TensorPoolCommand.EXIT_OK;
        }
        finally
        {
            CloseHelper.quietCloseAll(publication, subscription, aeron);
        }
    }

    @Override
    public void onDetachResponse(final long correlationId, final ResponseCode code, final String errorMessage)
    {
        if (correlationId == this.correlationId)
        {
            this.code = code;
            this.errorMessage = errorMessage;
        }
    }
}
