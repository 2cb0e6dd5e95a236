package io.nebula.resource.provider.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ConsumerContext;
import io.nats.client.Dispatcher;
import io.nats.client.ForceReconnectOptions;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import io.nats.client.Message;
import io.nats.client.MessageHandler;
import io.nats.client.ObjectStore;
import io.nats.client.ObjectStoreManagement;
import io.nats.client.ObjectStoreOptions;
import io.nats.client.Options;
import io.nats.client.Statistics;
import io.nats.client.StreamContext;
import io.nats.client.Subscription;
import io.nats.client.api.ServerInfo;
import io.nats.client.impl.Headers;
import io.nebula.resource.spi.BackendSignal;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * The instance of a NATS resource: jnats' connection, which it delegates to unchanged but for
 * {@link #flush}, which goes through {@link FlushRounds} so that any number of threads may flush at
 * once. jnats hands its own connection to listeners and handlers ({@link Message#getConnection()}):
 * a flush there bypasses the rounds.
 *
 * <p>Its {@link #toString()} names the resource only.
 */
final class SharedConnection implements Connection {

    private final String resource;
    private final Connection jnats;
    private final FlushRounds flushes;
    /** Where what this connection observes goes: the resource's health, once its pool gave one. */
    private volatile BackendSignal signal = BackendSignal.NONE;

    SharedConnection(String resource, Connection jnats) {
        this.resource = resource;
        this.jnats = jnats;
        this.flushes = new FlushRounds(resource, this::answeredFlush);
    }

    @Override
    public void flush(Duration timeout) throws TimeoutException, InterruptedException {
        flushes.flush(timeout);
    }

    /**
     * Reports to {@code signal} from now on: jnats' connection events ({@link ConnectionReport}), and each flush round's
     * outcome, since a server that stops answering on a connection that is still open raises no event until jnats'
     * pings (every two minutes by default) find it stale.
     */
    void reportTo(BackendSignal signal) {
        this.signal = signal;
        ConnectionReport report = new ConnectionReport(resource, signal);
        jnats.addConnectionListener(report);
        if (jnats.getStatus() != Status.CONNECTED) {
            signal.unavailable(report.lost("is " + jnats.getStatus().name().toLowerCase(java.util.Locale.ROOT)));
        }
    }

    /** Closing jnats' connection answers the PING out, if any; the flushes still waiting then fail. */
    @Override
    public void close() throws InterruptedException {
        try {
            jnats.close();
        } finally {
            flushes.close();
        }
    }

    /**
     * jnats' flush, failing where jnats returns as if the server had answered: when one more PING
     * would exceed max-pings-out, jnats sends none, reconnects, and returns without counting a flush.
     * A flush that a thread makes directly on jnats' connection meanwhile may hide that; the rounds
     * are the only flushes of this one.
     */
    private void answeredFlush(Duration timeout) throws TimeoutException, InterruptedException {
        long answered = jnats.getStatistics().getFlushCounter();
        try {
            jnats.flush(timeout);
        } catch (TimeoutException | RuntimeException e) {
            signal.unavailable(e); // the server did not answer in time, or the connection is closed
            throw e;
        }
        if (jnats.getStatistics().getFlushCounter() == answered) {
            TimeoutException stale = new TimeoutException("the server left " + jnats.getOptions().getMaxPingsOut()
                    + " pings unanswered (max-pings-out): jnats takes the connection for stale and reconnects");
            signal.unavailable(stale);
            throw stale;
        }
        signal.available();
    }

    @Override
    public String toString() {
        return "nats connection of resource '" + resource + "'";
    }

    // --- delegated unchanged //

    @Override
    public void publish(String subject, byte[] body) {
        jnats.publish(subject, body);
    }

    @Override
    public void publish(String subject, Headers headers, byte[] body) {
        jnats.publish(subject, headers, body);
    }

    @Override
    public void publish(String subject, String replyTo, byte[] body) {
        jnats.publish(subject, replyTo, body);
    }

    @Override
    public void publish(String subject, String replyTo, Headers headers, byte[] body) {
        jnats.publish(subject, replyTo, headers, body);
    }

    @Override
    public void publish(Message message) {
        jnats.publish(message);
    }

    @Override
    public CompletableFuture<Message> request(String subject, byte[] body) {
        return jnats.request(subject, body);
    }

    @Override
    public CompletableFuture<Message> request(String subject, Headers headers, byte[] body) {
        return jnats.request(subject, headers, body);
    }

    @Override
    public CompletableFuture<Message> requestWithTimeout(String subject, byte[] body, Duration timeout) {
        return jnats.requestWithTimeout(subject, body, timeout);
    }

    @Override
    public CompletableFuture<Message> requestWithTimeout(String subject, Headers headers, byte[] body, Duration timeout) {
        return jnats.requestWithTimeout(subject, headers, body, timeout);
    }

    @Override
    public CompletableFuture<Message> request(Message message) {
        return jnats.request(message);
    }

    @Override
    public CompletableFuture<Message> requestWithTimeout(Message message, Duration timeout) {
        return jnats.requestWithTimeout(message, timeout);
    }

    @Override
    public Message request(String subject, byte[] body, Duration timeout) throws InterruptedException {
        return jnats.request(subject, body, timeout);
    }

    @Override
    public Message request(String subject, Headers headers, byte[] body, Duration timeout) throws InterruptedException {
        return jnats.request(subject, headers, body, timeout);
    }

    @Override
    public Message request(Message message, Duration timeout) throws InterruptedException {
        return jnats.request(message, timeout);
    }

    @Override
    public Subscription subscribe(String subject) {
        return jnats.subscribe(subject);
    }

    @Override
    public Subscription subscribe(String subject, String queueName) {
        return jnats.subscribe(subject, queueName);
    }

    @Override
    public Dispatcher createDispatcher(MessageHandler handler) {
        return jnats.createDispatcher(handler);
    }

    @Override
    public Dispatcher createDispatcher() {
        return jnats.createDispatcher();
    }

    @Override
    public void closeDispatcher(Dispatcher dispatcher) {
        jnats.closeDispatcher(dispatcher);
    }

    @Override
    public void addConnectionListener(ConnectionListener connectionListener) {
        jnats.addConnectionListener(connectionListener);
    }

    @Override
    public void removeConnectionListener(ConnectionListener connectionListener) {
        jnats.removeConnectionListener(connectionListener);
    }

    @Override
    public CompletableFuture<Boolean> drain(Duration timeout) throws TimeoutException, InterruptedException {
        return jnats.drain(timeout);
    }

    @Override
    public Status getStatus() {
        return jnats.getStatus();
    }

    @Override
    public long getMaxPayload() {
        return jnats.getMaxPayload();
    }

    @Override
    public Collection<String> getServers() {
        return jnats.getServers();
    }

    @Override
    public Statistics getStatistics() {
        return jnats.getStatistics();
    }

    @Override
    public Options getOptions() {
        return jnats.getOptions();
    }

    @Override
    public ServerInfo getServerInfo() {
        return jnats.getServerInfo();
    }

    @Override
    public String getConnectedUrl() {
        return jnats.getConnectedUrl();
    }

    @Override
    public InetAddress getClientInetAddress() {
        return jnats.getClientInetAddress();
    }

    @Override
    public String getLastError() {
        return jnats.getLastError();
    }

    @Override
    public void clearLastError() {
        jnats.clearLastError();
    }

    @Override
    public String createInbox() {
        return jnats.createInbox();
    }

    @Override
    public void flushBuffer() throws IOException {
        jnats.flushBuffer();
    }

    @Override
    public void forceReconnect() throws IOException, InterruptedException {
        jnats.forceReconnect();
    }

    @Override
    public void forceReconnect(ForceReconnectOptions options) throws IOException, InterruptedException {
        jnats.forceReconnect(options);
    }

    @Override
    public Duration RTT() throws IOException {
        return jnats.RTT();
    }

    @Override
    public StreamContext getStreamContext(String streamName) throws IOException, JetStreamApiException {
        return jnats.getStreamContext(streamName);
    }

    @Override
    public StreamContext getStreamContext(String streamName, JetStreamOptions options) throws IOException, JetStreamApiException {
        return jnats.getStreamContext(streamName, options);
    }

    @Override
    public ConsumerContext getConsumerContext(String streamName, String consumerName) throws IOException, JetStreamApiException {
        return jnats.getConsumerContext(streamName, consumerName);
    }

    @Override
    public ConsumerContext getConsumerContext(String streamName, String consumerName, JetStreamOptions options)
            throws IOException, JetStreamApiException {
        return jnats.getConsumerContext(streamName, consumerName, options);
    }

    @Override
    public JetStream jetStream() throws IOException {
        return jnats.jetStream();
    }

    @Override
    public JetStream jetStream(JetStreamOptions options) throws IOException {
        return jnats.jetStream(options);
    }

    @Override
    public JetStreamManagement jetStreamManagement() throws IOException {
        return jnats.jetStreamManagement();
    }

    @Override
    public JetStreamManagement jetStreamManagement(JetStreamOptions options) throws IOException {
        return jnats.jetStreamManagement(options);
    }

    @Override
    public KeyValue keyValue(String bucketName) throws IOException {
        return jnats.keyValue(bucketName);
    }

    @Override
    public KeyValue keyValue(String bucketName, KeyValueOptions options) throws IOException {
        return jnats.keyValue(bucketName, options);
    }

    @Override
    public KeyValueManagement keyValueManagement() throws IOException {
        return jnats.keyValueManagement();
    }

    @Override
    public KeyValueManagement keyValueManagement(KeyValueOptions options) throws IOException {
        return jnats.keyValueManagement(options);
    }

    @Override
    public ObjectStore objectStore(String bucketName) throws IOException {
        return jnats.objectStore(bucketName);
    }

    @Override
    public ObjectStore objectStore(String bucketName, ObjectStoreOptions options) throws IOException {
        return jnats.objectStore(bucketName, options);
    }

    @Override
    public ObjectStoreManagement objectStoreManagement() throws IOException {
        return jnats.objectStoreManagement();
    }

    @Override
    public ObjectStoreManagement objectStoreManagement(ObjectStoreOptions options) throws IOException {
        return jnats.objectStoreManagement(options);
    }

    @Override
    public long outgoingPendingMessageCount() {
        return jnats.outgoingPendingMessageCount();
    }

    @Override
    public long outgoingPendingBytes() {
        return jnats.outgoingPendingBytes();
    }
}
