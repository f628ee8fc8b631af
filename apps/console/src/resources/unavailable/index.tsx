import { Card, CardContent, Typography } from '@mui/material';
import type { ComponentType } from 'react';
import { Title } from 'react-admin';

/**
 * Pages whose issues have not landed: each says so plainly and shows no
 * data, sample or otherwise (it asks the API for nothing).
 */
function notAvailable(label: string): ComponentType {
  return function NotAvailableYet() {
    return (
      <Card sx={{ mt: 2 }}>
        <Title title={label} />
        <CardContent>
          <Typography variant="h6" gutterBottom>
            {label} is not available yet
          </Typography>
          <Typography variant="body2" color="text.secondary">
            This page arrives with its own issue. Until then it shows nothing: no sample data, no placeholders.
          </Typography>
        </CardContent>
      </Card>
    );
  };
}

/** A page planned but not landed: `page('name', 'Label', Icon)` in the list below. */
export const page = (name: string, label: string, icon: ComponentType) => ({ name, label, icon, list: notAvailable(label) });

/** Every page of DESIGN.md §1 has landed; a page planned later is listed here until its issue lands. */
export const unavailablePages: ReturnType<typeof page>[] = [];
