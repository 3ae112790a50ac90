/**
 * Raw HTTP over TCP (node:net), for requests that fetch() cannot send: HTTP/1.0
 * without Host, an empty Host, a Host that is not a host name.
 */
import { connect } from "node:net";

/** A response as it came over the wire. */
export interface RawResponse {
  readonly status: number;
  /** Header names in lowercase. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
  /** Everything received, for assertions that nothing leaks anywhere. */
  readonly text: string;
}

/** Sends `request` (the whole request, CRLFs included) to 127.0.0.1:`port` and reads the answer until the server closes. */
export function rawRequest(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => (text += d));
    socket.on("error", reject);
    socket.on("end", () => {
      const [head = "", ...rest] = text.split("\r\n\r\n");
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(":")).trim().toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: rest.join("\r\n\r\n"), text });
    });
  });
}

/** A GET of `path` with the given header lines (no Host unless given), closing the connection. */
export function rawGet(port: number, path: string, headerLines: readonly string[], version = "1.1"): Promise<RawResponse> {
  return rawRequest(port, [`GET ${path} HTTP/${version}`, ...headerLines, "Connection: close", "", ""].join("\r\n"));
}
