package dev.graphsvc;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * A throw-away Neo4j 5 DBMS for tests: embedded, Bolt only, password protected.
 *
 * <p>Usage: {@code TestServer --port N --data DIR --password PW}
 *
 * <p>Prints exactly one line, {@code READY bolt://127.0.0.1:N}, on stdout once the Bolt
 * port accepts connections. Runs until stdin reaches end-of-file or the process receives
 * SIGTERM/SIGINT, then shuts the DBMS down cleanly. Neo4j's own logs are written below
 * {@code DIR/logs}; stderr only carries this class's short progress and error messages.
 *
 * <p>Exit codes: 0 after a normal shutdown, 2 for bad arguments, 1 if the DBMS failed to
 * start.
 */
public final class TestServer {

    private static final String HOST = "127.0.0.1";
    private static final String USER = "neo4j";

    private TestServer() {}

    public static void main(String[] args) throws Exception {
        // Keep stdout for the READY line only: anything a library prints goes to stderr.
        PrintStream stdout = System.out;
        System.setOut(System.err);

        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            log("error: " + e.getMessage());
            log("usage: TestServer --port N --data DIR --password PW");
            System.exit(2);
            return;
        }

        Files.createDirectories(options.data);
        long started = System.nanoTime();

        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(options.data)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, options.port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, options.port))
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, true)
                    .setConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                    // Tests probe wrong passwords on purpose: never lock the user out.
                    .setConfig(GraphDatabaseSettings.auth_max_failed_attempts, 0)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(64))
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                    .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(16))
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.preallocate_store_files, false)
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    // Internal settings (pinned Neo4j version): skip the diagnostics dump at
                    // start-up and Netty's 5 s graceful-shutdown quiet period at shutdown, and
                    // do not wait minutes for client connections that are still open.
                    .setConfig(GraphDatabaseInternalSettings.dump_diagnostics, false)
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5))
                    .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(5))
                    .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(5))
                    .build();
        } catch (Throwable t) {
            t.printStackTrace(System.err);
            log("error: the DBMS failed to start: " + rootCause(t));
            System.exit(1);
            return;
        }

        AtomicBoolean stopped = new AtomicBoolean(false);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stopped.compareAndSet(false, true)) {
                log("shutting down");
                try {
                    dbms.shutdown();
                } catch (Throwable t) {
                    log("error during shutdown: " + t);
                }
            }
        }, "neo4j-test-server-shutdown"));

        log(String.format("DBMS built in %.1f s", (System.nanoTime() - started) / 1e9));
        try {
            setPassword(dbms, options.password);
            waitForBolt(options.port, 60_000);
        } catch (Throwable t) {
            t.printStackTrace(System.err);
            log("error: the DBMS started but is not usable: " + rootCause(t));
            System.exit(1);
            return;
        }

        log(String.format("started in %.1f s", (System.nanoTime() - started) / 1e9));
        stdout.println("READY bolt://" + HOST + ":" + options.port);
        stdout.flush();

        // Block until the parent closes our stdin (or dies); SIGTERM exits through the hook.
        drain(System.in);
        System.exit(0);
    }

    /**
     * Sets the password of the built-in {@code neo4j} user and clears the "change required" flag.
     *
     * <p>The embedded API runs with full privileges, so the system database accepts the
     * administration command without logging in. Restarting on an existing data directory with
     * the same password makes Neo4j reject the command as a no-op change; that case is ignored.
     */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        String cypher = "ALTER USER " + USER + " SET PASSWORD $password CHANGE NOT REQUIRED";
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
                    .executeTransactionally(cypher, Map.of("password", password));
        } catch (RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("Old password and new password cannot be the same")) {
                log("password already set");
                return;
            }
            throw e;
        }
    }

    private static void waitForBolt(int port, long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 1_000);
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("Bolt port " + port + " does not accept connections", e);
                }
                Thread.sleep(50);
            }
        }
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // Input is ignored; only end-of-file matters.
            }
        } catch (IOException e) {
            // A broken stdin means the parent is gone: shut down as well.
        }
    }

    private static String rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? t.toString() : t + " (root cause: " + root + ")";
    }

    private static void log(String message) {
        System.err.println("[neo4j-test-server] " + message);
        System.err.flush();
    }

    /** Command-line options. */
    private record Options(int port, Path data, String password) {

        static Options parse(String[] args) {
            Integer port = null;
            Path data = null;
            String password = null;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for " + name);
                }
                String value = args[++i];
                switch (name) {
                    case "--port" -> {
                        try {
                            port = Integer.parseInt(value);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--port is not a number: " + value);
                        }
                        if (port < 1 || port > 65535) {
                            throw new IllegalArgumentException("--port out of range: " + value);
                        }
                    }
                    case "--data" -> data = Path.of(value).toAbsolutePath();
                    case "--password" -> password = value;
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            if (port == null || data == null || password == null || password.isEmpty()) {
                throw new IllegalArgumentException("--port, --data and a non-empty --password are required");
            }
            return new Options(port, data, password);
        }
    }
}
