import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { HydrationMarker } from "~/components/hydration-marker";
import { TRPCReactProvider } from "~/trpc/react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "aelab", template: "%s · aelab" },
  description: "Autoencoder experiments: runs, sweeps and comparisons.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <HydrationMarker />
        <header className="topbar">
          <Link href="/" className="brand">
            aelab
          </Link>
          <nav aria-label="Main">
            <Link href="/">Runs</Link>
            <Link href="/compare">Compare</Link>
            <Link href="/playground">Playground</Link>
          </nav>
        </header>
        <main>
          <TRPCReactProvider>{children}</TRPCReactProvider>
        </main>
      </body>
    </html>
  );
}
