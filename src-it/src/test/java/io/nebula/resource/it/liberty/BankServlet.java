package io.nebula.resource.it.liberty;

import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.cdi.WorkflowContexts;
import io.nebula.resource.it.support.ChannelBackend;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.UUID;

/**
 * How {@link ObservabilityIT} drives the archive from outside, the way requests reach a real application:
 * {@code POST /bank/transfer?tenant=acme} runs the {@code transfer} action in a new execution of the tenant's
 * {@code payments} workflow; {@code POST /bank/backend?resource=vault&up=false} takes a resource's backend down.
 */
@WebServlet("/bank/*")
public class BankServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient WorkflowContexts contexts;

    @Inject
    transient Bank bank;

    @Override
    @SuppressWarnings("try") // the handle only leaves the scopes
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        String answer;
        switch (path) {
            case "/transfer" -> {
                try (ScopeHandle run = contexts.enter(request.getParameter("tenant"), "payments",
                        "run-" + UUID.randomUUID(), null)) {
                    answer = bank.transfer("10.00");
                }
            }
            case "/backend" -> {
                String resource = request.getParameter("resource");
                if (Boolean.parseBoolean(request.getParameter("up"))) {
                    ChannelBackend.up(resource);
                } else {
                    ChannelBackend.down(resource);
                }
                answer = resource + (ChannelBackend.isUp(resource) ? " up" : " down");
            }
            default -> {
                response.sendError(404, "no such operation: " + path);
                return;
            }
        }
        response.setContentType("text/plain");
        response.getWriter().write(answer);
    }
}
