import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiKeys } from "./ApiKeys";

const keys = [
  {
    key_id: "k1",
    name: "tracker",
    prefix: "cfap_abcd",
    created_at: "2024-01-01T00:00:00Z",
    revoked_at: null,
  },
  {
    key_id: "k2",
    name: "old",
    prefix: "cfap_zzzz",
    created_at: "2023-01-01T00:00:00Z",
    revoked_at: "2023-06-01T00:00:00Z",
  },
];

describe("ApiKeys", () => {
  it("creates a key and shows it once with a copy button", async () => {
    const onCreate = vi
      .fn()
      .mockResolvedValue({ key_id: "k3", api_key: "cfap_secret", name: "ci", prefix: "cfap_secr" });
    const user = userEvent.setup();
    render(<ApiKeys keys={keys} onCreate={onCreate} onRevoke={vi.fn()} />);
    await user.click(screen.getByRole("button", { name: "Create key" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Give the key a name");
    expect(onCreate).not.toHaveBeenCalled();
    await user.type(screen.getByLabelText("New key name"), "ci");
    await user.click(screen.getByRole("button", { name: "Create key" }));
    expect(onCreate).toHaveBeenCalledWith("ci");
    expect(await screen.findByTestId("new-api-key")).toHaveTextContent("cfap_secret");
    expect(screen.getByText(/it will not be shown again/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Copy key" }));
    expect(await navigator.clipboard.readText()).toBe("cfap_secret");
    await user.click(screen.getByRole("button", { name: "I have saved it" }));
    expect(screen.queryByTestId("new-api-key")).not.toBeInTheDocument();
  });

  it("lists keys and revokes after confirmation", async () => {
    const onRevoke = vi.fn().mockResolvedValue(undefined);
    const user = userEvent.setup();
    render(<ApiKeys keys={keys} onCreate={vi.fn()} onRevoke={onRevoke} />);
    expect(screen.getByText("cfap_abcd…")).toBeInTheDocument();
    expect(screen.getByText(/^Revoked/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Revoke old" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Revoke tracker" }));
    await user.click(screen.getByRole("button", { name: "Confirm revoke" }));
    expect(onRevoke).toHaveBeenCalledWith(keys[0]);
  });
});
